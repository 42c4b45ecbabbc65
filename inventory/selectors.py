"""Inventory reads: stock lists, regional aggregates (DOMAIN.md §5.3), freshness."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models import F as models_F
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from commissions.models import SaleLine
from dealers.models import Dealer, Product, Region
from inventory import calculations
from inventory.models import (
    STALE_AFTER,
    ReorderRule,
    StockAlert,
    StockLevel,
    StockMovement,
    Warehouse,
)


def stock_level_list_visible_to(who):
    return StockLevel.objects.visible_to(who).select_related(
        "warehouse__region", "warehouse__dealer", "product__product_line"
    )


def warehouse_list_visible_to(who):
    return Warehouse.objects.visible_to(who).select_related("region", "dealer")


@dataclass
class RegionStock:
    region: object  # dealers.models.Region
    product: Product
    quantity: Decimal
    warehouses: int
    sold_28d: Decimal
    avg_daily_sales: Decimal
    days_of_cover: Decimal | None
    min_days_cover: Decimal | None
    max_days_cover: Decimal | None
    status: str


def _ancestors(code: str) -> list[str]:
    parts = code.split("-")
    return ["-".join(parts[: i + 1]) for i in range(len(parts))]


def stock_by_region_product(
    *,
    who=None,
    region_codes=None,
    within: str | None = None,
    product_ids=None,
    product_line: str | None = None,
    sku: str | None = None,
    now=None,
) -> list[RegionStock]:
    """Per region subtree and product: total quantity, warehouses, average daily net sales
    over the last 28 days (sale lines shipped to the subtree), days of cover and status
    against the region's reorder rule.

    ``who`` scopes stock and sales (a dealer sees its own; None or the manufacturer: all).
    Rows are returned for the regions in ``region_codes`` or, else, every region of the tree
    (or of the subtree ``within``) with any stock or sales. Five queries whatever the size.
    """
    now = now or timezone.now()
    levels = StockLevel.objects.all() if who is None else StockLevel.objects.visible_to(who)
    sales = SaleLine.objects.all() if who is None else SaleLine.objects.visible_to(who)
    sales = sales.filter(
        sold_at__gte=now - timedelta(days=calculations.SALES_WINDOW_DAYS), sold_at__lt=now
    )
    product_filter = Q()
    if product_ids is not None:
        product_filter &= Q(product_id__in=list(product_ids))
    if product_line:
        product_filter &= Q(product__product_line__code=product_line)
    if sku:
        product_filter &= Q(product__sku=sku)
    stock_rows = (
        levels.filter(product_filter)
        .values("warehouse__region__code", "product_id")
        .annotate(total=Sum("quantity"), warehouses=Count("warehouse_id", distinct=True))
        .order_by()
    )
    sale_rows = (
        sales.filter(product_filter)
        .values("ship_to_region__code", "product_id")
        .annotate(sold=Sum("quantity"))
        .order_by()
    )
    totals: dict[tuple[str, int], list] = defaultdict(lambda: [Decimal("0"), 0, Decimal("0")])
    for row in stock_rows:
        for code in _ancestors(row["warehouse__region__code"]):
            entry = totals[(code, row["product_id"])]
            entry[0] += row["total"]
            entry[1] += row["warehouses"]
    for row in sale_rows:
        for code in _ancestors(row["ship_to_region__code"]):
            totals[(code, row["product_id"])][2] += row["sold"]
    if region_codes is not None:
        wanted = set(region_codes)
        keys = [k for k in totals if k[0] in wanted]
        # rule regions with nothing at all still get a row (zero stock, no sales)
        if product_ids is not None:
            keys += [(c, p) for c in wanted for p in product_ids if (c, p) not in totals]
    else:
        keys = [
            k for k in totals if within is None or k[0] == within or k[0].startswith(within + "-")
        ]
    codes = {k[0] for k in keys}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    products = {
        p.pk: p
        for p in Product.objects.filter(pk__in={k[1] for k in keys}).select_related("product_line")
    }
    rules = {
        (r.region.code, r.product_id): r
        for r in ReorderRule.objects.filter(
            region__code__in=codes, product_id__in=list(products)
        ).select_related("region")
    }
    result = []
    for code, product_id in sorted(keys):
        if code not in regions or product_id not in products:
            continue
        quantity, warehouses, sold = totals.get((code, product_id), (Decimal("0"), 0, Decimal("0")))
        avg = calculations.average_daily_sales(sold)
        cover = calculations.days_of_cover(quantity, avg)
        rule = rules.get((code, product_id))
        result.append(
            RegionStock(
                region=regions[code],
                product=products[product_id],
                quantity=quantity,
                warehouses=warehouses,
                sold_28d=sold,
                avg_daily_sales=avg,
                days_of_cover=cover,
                min_days_cover=rule.min_days_cover if rule else None,
                max_days_cover=rule.max_days_cover if rule else None,
                status=calculations.cover_status(
                    quantity=quantity,
                    cover=cover,
                    min_days=rule.min_days_cover if rule else None,
                    max_days=rule.max_days_cover if rule else None,
                ),
            )
        )
    return result


@dataclass
class RegionLineStock:
    region: object
    product_line: object
    quantity: Decimal
    products: int
    avg_daily_sales: Decimal
    days_of_cover: Decimal | None
    low: int
    over: int


def stock_by_region_line(*, rows: list[RegionStock]) -> list[RegionLineStock]:
    """Roll product rows up to (region, product line) for the staff regional view."""
    grouped: dict[tuple[str, str], RegionLineStock] = {}
    for row in rows:
        key = (row.region.code, row.product.product_line.code)
        entry = grouped.get(key)
        if entry is None:
            entry = grouped[key] = RegionLineStock(
                row.region, row.product.product_line, Decimal("0"), 0, Decimal("0"), None, 0, 0
            )
        entry.quantity += row.quantity
        entry.products += 1
        entry.avg_daily_sales += row.avg_daily_sales
        entry.low += row.status == "low"
        entry.over += row.status == "over"
    for entry in grouped.values():
        entry.days_of_cover = calculations.days_of_cover(entry.quantity, entry.avg_daily_sales)
    return [grouped[k] for k in sorted(grouped)]


def stock_freshness_by_dealer(*, dealer_ids=None, now=None) -> dict[int, Decimal | None]:
    """Share (0–1, 4 places) of each dealer's active warehouses synced in the 7 days up to
    ``now``; None for a dealer without warehouses (it feeds the review's "communication"
    score).

    ``now`` may lie in the past (a quarterly review re-run in February judges Q4 as of its
    end): a sync after ``now`` never counts. A warehouse's last sync counts when it falls in
    the window; an earlier sync that a later one superseded is seen through the movements
    it wrote (a sync that changed no quantity leaves none, so a past window may count such
    a warehouse stale). One query."""
    now = now or timezone.now()
    since = now - STALE_AFTER
    moved = StockMovement.objects.filter(
        level__warehouse=OuterRef("pk"), created_at__gte=since, created_at__lte=now
    )
    fresh = (
        Warehouse.objects.filter(active=True)
        .filter(
            Q(last_synced_at__gte=since, last_synced_at__lte=now) | Q(Exists(moved)),
        )
        .values("pk")
    )
    dealers = Dealer.objects.all()
    if dealer_ids is not None:
        dealers = dealers.filter(pk__in=list(dealer_ids))
    rows = dealers.annotate(
        total=Count("warehouses", filter=Q(warehouses__active=True)),
        fresh=Count("warehouses", filter=Q(warehouses__in=fresh)),
    ).values_list("pk", "total", "fresh")
    return {pk: calculations.share(fresh, total) for pk, total, fresh in rows}


def stock_alert_counts_by_region(*, within: str | None = None) -> dict[str, dict[str, int]]:
    """Open alerts per region code and kind, e.g. ``{"CN-GD": {"low": 2, "over": 0,
    "stale_data": 1}}`` (dashboards)."""
    alerts = StockAlert.objects.open()
    if within:
        alerts = alerts.filter(Q(region__code=within) | Q(region__code__startswith=within + "-"))
    result: dict[str, dict[str, int]] = {}
    for code, kind, n in (
        alerts.values_list("region__code", "kind").annotate(n=Count("pk")).order_by()
    ):
        result.setdefault(code, {k: 0 for k in StockAlert.Kind.values})[kind] = n
    return result


def open_alerts_within(region_code: str):
    return (
        StockAlert.objects.open()
        .filter(Q(region__code=region_code) | Q(region__code__startswith=region_code + "-"))
        .select_related("region", "product", "warehouse")
    )


@dataclass
class LedgerBreak:
    level_id: int
    warehouse: str
    sku: str
    quantity: Decimal
    ledger_sum: Decimal
    last_after: Decimal | None


def stock_ledger_breaks() -> list[LedgerBreak]:
    """Levels whose ledger does not add up to their quantity, or whose latest movement's
    ``quantity_after`` differs from it (one query)."""

    last_after = StockMovement.objects.filter(level=OuterRef("pk")).order_by("-pk")
    rows = (
        StockLevel.objects.annotate(
            ledger_sum=Coalesce(
                Sum("movements__delta"),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=16, decimal_places=3),
            ),
            last_after=Subquery(last_after.values("quantity_after")[:1]),
        )
        .filter(
            ~Q(ledger_sum=models_F("quantity"))
            | (Q(last_after__isnull=False) & ~Q(last_after=models_F("quantity")))
        )
        .select_related("warehouse", "product")
        .order_by("pk")
    )
    return [
        LedgerBreak(r.pk, r.warehouse.code, r.product.sku, r.quantity, r.ledger_sum, r.last_after)
        for r in rows
    ]


def open_alerts_for_dealer(*, dealer):
    """Open alerts that concern ``dealer``: stale data of its own warehouses, and low/over
    stock of a region that contains one of its active warehouses (the warehouse's region or
    an ancestor, by code segments). One query, unevaluated: its warehouses and the regions
    above its active ones are subqueries (the alerts by the ``warehouse`` foreign-key index
    and ``stockalert_open_region_idx``)."""
    warehouses = Warehouse.objects.filter(dealer=dealer)
    inside = warehouses.filter(active=True).filter(
        Q(region__code=OuterRef("code"))
        | Q(region__code__startswith=Concat(OuterRef("code"), Value("-")))
    )
    concerns = Q(warehouse__in=warehouses.values("pk")) | Q(
        kind__in=[StockAlert.Kind.LOW, StockAlert.Kind.OVER],
        region__in=Region.objects.filter(Exists(inside)).values("pk"),
    )
    return (
        StockAlert.objects.open()
        .filter(concerns)
        .select_related("region", "product", "warehouse")
        .order_by("-opened_at", "-pk")
    )


def open_alerts_all():
    return StockAlert.objects.open().select_related("region", "product", "warehouse")
