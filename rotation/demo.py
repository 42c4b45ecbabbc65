"""Demo data for stock rotation (called by `manage.py seed_demo`; idempotent): a reorder rule
and recent sales that make Shenzhen short of cameras while Guangzhou holds plenty (one
suggestion), and one demo transfer of routers between them in each state."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from commissions import services as commissions
from commissions.models import SaleLine
from dealers.models import Dealer, DealerMembership, Product, Region
from inventory import services as inventory
from inventory.models import ReorderRule, Warehouse
from portal.access import Actor
from portal.models import User
from rotation import services
from rotation.models import StockTransfer, TransferSuggestion

DEMO_NOTE = "demo"
#: (quantity, the state it is left in)
TRANSFERS = [
    (Decimal("6"), StockTransfer.Status.PROPOSED),
    (Decimal("5"), StockTransfer.Status.ACCEPTED),
    (Decimal("4"), StockTransfer.Status.SHIPPED),
    (Decimal("3"), StockTransfer.Status.RECEIVED),
    (Decimal("2"), StockTransfer.Status.CANCELLED),
]


def _owner(dealer):
    membership = (
        DealerMembership.objects.filter(dealer=dealer, role=DealerMembership.Role.OWNER)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def _transfers():
    gz, sz = Dealer.objects.get(code="DEMO-GZ"), Dealer.objects.get(code="DEMO-SZ")
    staff = (
        User.objects.filter(is_active=True, groups__name="channel_manager").first()
        or User.objects.filter(is_active=True, is_superuser=True).first()
    )
    owners = _owner(gz), _owner(sz)
    if staff is None or None in owners:
        return
    router = Product.objects.get(sku="HOME-100")
    source = Warehouse.objects.get(code="GZ-MAIN")
    destination = Warehouse.objects.get(code="SZ-MAIN")
    for quantity, state in TRANSFERS:
        transfer = services.transfer_propose(
            actor=staff,
            product=router,
            quantity=quantity,
            source_warehouse=source,
            destination_warehouse=destination,
            note=DEMO_NOTE,
        )
        if state == StockTransfer.Status.CANCELLED:
            services.transfer_cancel(actor=staff, transfer=transfer, reason="demo")
            continue
        if state == StockTransfer.Status.PROPOSED:
            continue
        for owner in owners:
            services.transfer_accept(actor=owner, transfer=transfer)
        if state in (StockTransfer.Status.SHIPPED, StockTransfer.Status.RECEIVED):
            services.transfer_ship(actor=staff, transfer=transfer)
        if state == StockTransfer.Status.RECEIVED:
            services.transfer_receive(actor=staff, transfer=transfer)


def _sales(now):
    """Shenzhen sold 84 cameras in the last four weeks (3 a day): with 15 in stock it needs
    6 more for 7 days of cover, while Guangzhou's 60 sell nowhere."""
    lines = [
        {
            "dealer": "DEMO-SZ",
            "external_id": f"ROT-DEMO-SZ-{i}",
            "sku": "HOME-300",
            "quantity": "28",
            "amount": "7252.00",
            "currency": "CNY",
            "sold_at": (now - dt.timedelta(days=3 + 7 * i)).isoformat(),
            "ship_to_region": "CN-GD-SZ",
        }
        for i in range(3)
    ]
    known = set(
        SaleLine.objects.filter(external_id__startswith="ROT-DEMO-").values_list(
            "external_id", flat=True
        )
    )
    lines = [line for line in lines if line["external_id"] not in known]
    if lines:
        commissions.sale_lines_ingest(actor=Actor(manufacturer=True), lines=lines, source="demo"
        )


def seed(stdout):
    now = timezone.now()
    gd = Region.objects.get(code="CN-GD")
    ReorderRule.objects.get_or_create(
        product=Product.objects.get(sku="HOME-300"),
        region=gd,
        defaults={"min_days_cover": Decimal("7"), "max_days_cover": Decimal("30")},
    )
    _sales(now)
    # the new rule's alerts now, not at the next seeding (which must change nothing)
    inventory.stock_alerts_evaluate(product_ids=[Product.objects.get(sku="HOME-300").pk])
    if not StockTransfer.objects.filter(note=DEMO_NOTE).exists():
        _transfers()
    services.transfer_suggestions_compute(province_code="CN-GD", now=now)
    stdout.write(
        f"rotation: {TransferSuggestion.objects.count()} transfer suggestions, "
        f"{StockTransfer.objects.count()} transfers"
    )
    return []


def summary() -> list[tuple[str, int]]:
    """What the demo holds, counted in the database (``seed_demo`` prints it)."""
    return [
        ("stock transfers", StockTransfer.objects.count()),
        ("transfer suggestions", TransferSuggestion.objects.count()),
    ]
