"""Factories for quarterly-review tests."""

import datetime as dt
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from commissions import rollup
from commissions.models import SaleLine
from dealers.models import Product
from tests.factories import ProductLineFactory, region_tree

_ids = count(1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def product():
    obj, _ = Product.objects.get_or_create(
        sku="SKU-REVIEW",
        defaults={"name": "Review widget", "product_line": ProductLineFactory(code="PL-HOME")},
    )
    return obj


def sale(dealer, amount, when: dt.datetime, **kwargs) -> SaleLine:
    """A sale line of ``amount`` at ``when`` (naive datetimes are Shanghai time)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=SHANGHAI)
    amount = Decimal(amount)
    line = SaleLine.objects.create(
        dealer=dealer,
        external_id=f"EXT-{next(_ids)}",
        product=product(),
        quantity=Decimal("1") if amount >= 0 else Decimal("-1"),
        amount=amount,
        currency="CNY",
        sold_at=when,
        ship_to_region=region_tree()["CN-GD-SZ"],
        **kwargs,
    )
    rollup.add_lines([line])  # as the sales ingestion does (dashboards read the rollup)
    return line
