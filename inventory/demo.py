"""Demo data for this app (called by `manage.py seed_demo`; must be idempotent).

Products in PL-HOME, PL-PRO and PL-CLOUD; one warehouse per demo dealer and a manufacturer
warehouse; levels written through the sync service (so the ledger adds up); reorder rules;
and the alerts their evaluation opens (overstock where nothing sells yet, stale data for a
warehouse not synced for ten days)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from commissions.models import SaleLine
from commissions.services import sale_lines_ingest
from dealers.models import Dealer, DealerMembership, Product, ProductLine, Region, Tier
from inventory import services
from inventory.models import ReorderRule, StockAlert, StockLevel, Warehouse
from inventory.selectors import stock_by_region_product
from portal.access import Actor
from portal.clock import manufacturer_zone
from portal.demo import ensure_user

DEMO_PASSWORD = "demo-pass-2026"

REGIONS = [
    ("CN", "China", "中国", "country", None),
    ("CN-GD", "Guangdong", "广东", "province", "CN"),
    ("CN-GD-SZ", "Shenzhen", "深圳", "city", "CN-GD"),
    ("CN-GD-GZ", "Guangzhou", "广州", "city", "CN-GD"),
    ("CN-BJ", "Beijing", "北京", "province", "CN"),
    ("CN-SH", "Shanghai", "上海", "province", "CN"),
]
LINES = [("PL-HOME", "Home"), ("PL-PRO", "Professional"), ("PL-CLOUD", "Cloud")]
PRODUCTS = [
    ("HOME-100", "Home Router H100", "PL-HOME", "399.00"),
    ("HOME-200", "Home Mesh H200 (3-pack)", "PL-HOME", "1299.00"),
    ("HOME-300", "Smart Camera C300", "PL-HOME", "259.00"),
    ("PRO-500", "Office Switch S500", "PL-PRO", "2899.00"),
    ("PRO-700", "Access Point AP700", "PL-PRO", "1599.00"),
    ("PRO-900", "Firewall F900", "PL-PRO", "8999.00"),
    ("CLOUD-1Y", "Cloud Management, 1 year", "PL-CLOUD", "600.00"),
    ("CLOUD-3Y", "Cloud Management, 3 years", "PL-CLOUD", "1500.00"),
]
DEALERS = [
    ("DEMO-GZ", "Guangzhou Demo Trading", "CN-GD-GZ"),
    ("DEMO-SZ", "Shenzhen Demo Networks", "CN-GD-SZ"),
    ("DEMO-BJ", "Beijing Demo Systems", "CN-BJ"),
    ("DEMO-SH", "Shanghai Demo Tech", "CN-SH"),
]
#: warehouse code, name, dealer code (None: the manufacturer), region
WAREHOUSES = [
    ("GZ-MAIN", "Guangzhou main warehouse", "DEMO-GZ", "CN-GD-GZ"),
    ("SZ-MAIN", "Shenzhen main warehouse", "DEMO-SZ", "CN-GD-SZ"),
    ("BJ-MAIN", "Beijing warehouse", "DEMO-BJ", "CN-BJ"),
    ("SH-MAIN", "Shanghai warehouse", "DEMO-SH", "CN-SH"),
    ("MFR-SZ", "Manufacturer central warehouse", None, "CN-GD-SZ"),
]
LEVELS = {
    "GZ-MAIN": {"HOME-100": 120, "HOME-200": 35, "HOME-300": 60, "PRO-500": 8},
    "SZ-MAIN": {"HOME-100": 80, "HOME-300": 15, "PRO-500": 12, "PRO-700": 30, "PRO-900": 2},
    "BJ-MAIN": {"HOME-100": 40, "PRO-700": 18, "CLOUD-1Y": 50},
    "SH-MAIN": {"HOME-200": 22, "PRO-900": 5, "CLOUD-3Y": 10},
    "MFR-SZ": {code: 500 for code, *_ in PRODUCTS},
}
RULES = [
    ("HOME-100", "CN-GD", "14", "60"),
    ("HOME-200", "CN-GD", "14", "60"),
    ("PRO-500", "CN", "21", "90"),
    ("PRO-900", "CN-SH", "10", "45"),
]


def _regions():
    regions = {}
    for code, name, name_zh, kind, parent in REGIONS:
        regions[code], _ = Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "kind": kind,
                "parent": regions.get(parent),
                "time_zone": "Asia/Shanghai" if parent is None else "",
            },
        )
    return regions


def _sales_for_cover(as_of: datetime) -> None:
    """Sale lines of the last four weeks for every product stocked in a region, sold by the
    demo dealer of that region: every row of the regional stock view has a days-of-cover
    figure (about a month of stock at the dealers; the manufacturer's 500 units keep the
    overstock alerts). External ids carry the day: re-seeding the same day adds nothing."""
    warehouse_region = {code: region for code, _name, _dealer, region in WAREHOUSES}
    seller = {region: dealer for dealer, _name, region in DEALERS}
    prices = {sku: Decimal(price) for sku, _name, _line, price in PRODUCTS}
    stocked: dict[tuple[str, str], int] = {}
    for warehouse, levels in LEVELS.items():
        region = warehouse_region[warehouse]
        for sku, quantity in levels.items():
            key = (region, sku)
            dealer_stock = quantity if warehouse != "MFR-SZ" else 30
            stocked[key] = max(stocked.get(key, 0), dealer_stock)
    lines = []
    for (region, sku), quantity in sorted(stocked.items()):
        weekly = max(1, round(quantity * 7 / 30))  # about 30 days of cover
        # Guangzhou's cameras hardly sell: the stock rotation demo moves them to Shenzhen
        weeks = 1 if (region, sku) == ("CN-GD-GZ", "HOME-300") else 4
        weekly = 1 if weeks == 1 else weekly
        for week in range(weeks):
            sold_at = as_of - timedelta(days=7 * week + 1, hours=2)
            lines.append(
                {
                    "dealer": seller[region],
                    "external_id": f"COVER-{sku}-{region}-{sold_at:%Y%m%d}",
                    "sku": sku,
                    "quantity": str(weekly),
                    "amount": str((prices[sku] * weekly * Decimal("0.9")).quantize(Decimal("0.01"))),
                    "currency": "CNY",
                    "sold_at": sold_at.isoformat(),
                    "ship_to_region": region,
                }
            )
    known = set(
        SaleLine.objects.filter(external_id__startswith="COVER-").values_list(
            "external_id", flat=True
        )
    )
    lines = [line for line in lines if line["external_id"] not in known]
    if lines:
        sale_lines_ingest(actor=Actor(manufacturer=True), lines=lines, source="demo")


def seed(stdout):
    regions = _regions()
    lines = {
        code: ProductLine.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in LINES
    }
    for sku, name, line, price in PRODUCTS:
        Product.objects.get_or_create(
            sku=sku,
            defaults={"name": name, "product_line": lines[line], "list_price": Decimal(price)},
        )
    tier = Tier.objects.filter(code="registered").first() or Tier.objects.order_by("rank").first()
    if tier is None:
        tier = Tier.objects.create(code="registered", name="Registered", rank=0)
    dealers = {}
    for code, name, region in DEALERS:
        dealers[code], _ = Dealer.objects.get_or_create(
            code=code, defaults={"name": name, "tier": tier, "region": regions[region]}
        )
    for code, name, dealer, region in WAREHOUSES:
        Warehouse.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "dealer": dealers.get(dealer),
                "region": regions[region],
            },
        )
    # Counts taken this morning, manufacturer's time: re-running finds them unchanged.
    local = manufacturer_zone()
    as_of = datetime.combine(timezone.localdate(timezone=local), time(8), tzinfo=local)
    as_of = min(as_of, timezone.now())
    items = [
        {"warehouse": wh, "sku": sku, "quantity": qty, "as_of": as_of.isoformat()}
        for wh, levels in LEVELS.items()
        if wh != "SH-MAIN"
        for sku, qty in levels.items()
    ]
    services.stock_levels_apply_sets(
        actor=Actor(manufacturer=True), items=items, source="demo", request_id="demo-seed"
    )
    # Shanghai last reported ten days ago: it is flagged "stale data".
    old = as_of - timedelta(days=10)
    shanghai = Warehouse.objects.get(code="SH-MAIN")
    if shanghai.last_synced_at is None or shanghai.last_synced_at < old:
        services.stock_levels_apply_sets(
            actor=Actor(manufacturer=True),
            items=[
                {"warehouse": "SH-MAIN", "sku": sku, "quantity": qty, "as_of": old.isoformat()}
                for sku, qty in LEVELS["SH-MAIN"].items()
            ],
            source="demo",
            request_id="demo-seed-sh",
            now=old + timedelta(minutes=5),
        )
    _sales_for_cover(as_of)
    for sku, region, low, high in RULES:
        ReorderRule.objects.get_or_create(
            product=Product.objects.get(sku=sku),
            region=regions[region],
            defaults={"min_days_cover": Decimal(low), "max_days_cover": Decimal(high)},
        )
    services.stock_alerts_evaluate()
    services.stock_stale_flags_evaluate()

    logins = []
    user = ensure_user("stock-gz", "Guo Stockkeeper", email="stock-gz@example.com")
    DealerMembership.objects.get_or_create(
        user=user, defaults={"dealer": dealers["DEMO-GZ"], "role": DealerMembership.Role.STOCK}
    )
    logins.append(("stock-gz", DEMO_PASSWORD, "dealer DEMO-GZ (role stock: stock, uploads, transfers)"))
    stdout.write(
        f"inventory: {Product.objects.count()} products, {Warehouse.objects.count()} warehouses"
    )
    return logins


def summary() -> list[tuple[str, int]]:
    """What the demo holds, counted in the database (``seed_demo`` prints it)."""
    rows = stock_by_region_product()
    return [
        ("products", Product.objects.count()),
        ("warehouses", Warehouse.objects.count()),
        ("stock levels", StockLevel.objects.count()),
        ("regional stock rows", len(rows)),
        ("… of them with days of cover", sum(1 for r in rows if r.days_of_cover is not None)),
        ("open stock alerts", StockAlert.objects.filter(resolved_at__isnull=True).count()),
    ]
