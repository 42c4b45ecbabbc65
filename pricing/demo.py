"""Demo data for pricing (called by `manage.py seed_demo`; idempotent): a price guide change
that lowers the list price of the Home Mesh H200 (a price protection credit for the stock
Guangzhou holds), a campaign framework for Guangdong with an auto-approved and a pending
local promotion, and sales below the floor that open a breach ticket."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from commissions import services as commissions
from commissions.models import SaleLine
from conflicts.services import SYSTEM
from dealers.models import Dealer, Product, ProductLine, Region
from portal.periods import Month
from pricing import services
from pricing.models import Campaign, PriceGuide, Promotion

SKU = "HOME-200"
CAMPAIGN = "DEMO-SPRING"


def _guides(product: Product, now: dt.datetime) -> None:
    if PriceGuide.objects.filter(product=product).exists():
        return
    earlier, _end = Month.current(now).previous().bounds()
    services.price_guide_create(
        actor=SYSTEM,
        product=product,
        effective_from=earlier,
        list_price=Decimal("1299.00"),
        floor_price=Decimal("1150.00"),
        now=earlier,
    )
    # From now on: lower by 100.00 → protection for the units held now (stock ledger).
    lowered = services.price_guide_create(
        actor=SYSTEM,
        product=product,
        effective_from=now,
        list_price=Decimal("1199.00"),
        floor_price=Decimal("1050.00"),
        now=now,
    )
    services.price_protection_book_guide(guide=lowered, now=now)


def _campaign(now: dt.datetime) -> None:
    if Campaign.objects.filter(code=CAMPAIGN).exists():
        return
    month = Month.current(now)
    campaign = services.campaign_create(
        actor=SYSTEM,
        code=CAMPAIGN,
        name="Spring home networking",
        description="Home networking promotions in Guangdong: 5 % to 15 % off list price.",
        regions=[Region.objects.get(code="CN-GD")],
        product_lines=[ProductLine.objects.get(code="PL-HOME")],
        starts_on=month.first_day,
        ends_on=month.next().last_day,
        min_discount=Decimal("0.05"),
        max_discount=Decimal("0.15"),
        now=now,
    )
    for code, region, discount in (("DEMO-GZ", "CN-GD-GZ", "0.10"), ("DEMO-SZ", "CN-GD-SZ", "0.20")):
        services.promotion_submit(
            actor=SYSTEM,
            dealer=Dealer.objects.get(code=code),
            campaign=campaign,
            discount=Decimal(discount),
            starts_on=month.first_day,
            ends_on=month.last_day,
            regions=[Region.objects.get(code=region)],
            now=now,
        )


def _sales(now: dt.datetime) -> None:
    sold_at = PriceGuide.objects.filter(product__sku=SKU).latest("effective_from").effective_from
    lines = [
        # 2 × 900.00: below the floor of 1,050.00 → a breach; 1 × 1,199.00 at list
        ("DEMO-PRICE-1", "2", "1800.00"),
        ("DEMO-PRICE-2", "1", "1199.00"),
    ]
    outcome = commissions.sale_lines_ingest(
        actor=SYSTEM,
        lines=[
            {
                "dealer": "DEMO-SZ",
                "external_id": ref,
                "sku": SKU,
                "quantity": quantity,
                "amount": amount,
                "currency": "CNY",
                "sold_at": (sold_at + dt.timedelta(seconds=1)).isoformat(),
                "ship_to_region": "CN-GD-SZ",
            }
            for ref, quantity, amount in lines
        ],
        source="demo",
        now=now + dt.timedelta(seconds=2),
    )
    ids = list(
        SaleLine.objects.filter(external_id__startswith="DEMO-PRICE-").values_list("pk", flat=True)
    )
    # The outbox would do it after commit; checking here as well is safe (a line once).
    services.price_breaches_check(sale_line_ids=ids or outcome.created_ids, now=now)


def seed(stdout):
    product = Product.objects.filter(sku=SKU).first()
    if product is None or not Dealer.objects.filter(code="DEMO-SZ").exists():
        stdout.write("pricing: skipped (no demo products or dealers)")
        return []
    now = timezone.now()
    _guides(product, now)
    _campaign(now)
    _sales(now)
    pending = Promotion.objects.filter(status=Promotion.Status.PENDING).count()
    stdout.write(
        f"pricing: {PriceGuide.objects.count()} price guides, campaign {CAMPAIGN}, "
        f"{pending} pending promotion(s), breach tickets"
    )
    return []
