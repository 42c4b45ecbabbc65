"""Helpers for pricing tests: guides, campaigns and promotions go through the services."""

import datetime as dt
from decimal import Decimal as D

from commissions.models import SaleLine
from conflicts.services import SYSTEM
from dealers.models import Product
from portal.clock import manufacturer_zone
from pricing.services import campaign_create, price_guide_create, promotion_submit
from tests.factories import ProductLineFactory, TerritoryFactory, region_tree


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=manufacturer_zone())


def product(sku="P-1", list_price="1000.00") -> Product:
    line = ProductLineFactory(code="PL-HOME")
    obj, _c = Product.objects.get_or_create(
        sku=sku, defaults={"name": sku, "product_line": line, "list_price": D(list_price)}
    )
    return obj


def guide(product, list_price, floor_price, effective_from, region=None):
    """A guide created just before its instant (guides are never created back in time)."""
    return price_guide_create(
        actor=SYSTEM,
        product=product,
        region=region_tree()[region] if isinstance(region, str) else region,
        effective_from=effective_from,
        list_price=D(list_price),
        floor_price=D(floor_price),
        now=effective_from - dt.timedelta(days=1),
    )


def line(dealer, product, amount, quantity, sold_at, *, region="CN-GD-SZ", ext=None) -> SaleLine:
    line.seq = getattr(line, "seq", 0) + 1
    return SaleLine.objects.create(
        dealer=dealer,
        external_id=ext or f"INV-{line.seq}",
        product=product,
        quantity=D(str(quantity)),
        amount=D(str(amount)),
        currency=dealer.currency,
        sold_at=sold_at,
        ship_to_region=region_tree()[region],
    )


def campaign(*, code="SPRING", regions=("CN-GD",), low="0.05", high="0.20", **kwargs):
    tree = region_tree()
    return campaign_create(
        actor=SYSTEM,
        code=code,
        name=kwargs.pop("name", "Spring sale"),
        regions=[tree[r] for r in regions],
        product_lines=[ProductLineFactory(code="PL-HOME")],
        starts_on=kwargs.pop("starts_on", dt.date(2026, 11, 1)),
        ends_on=kwargs.pop("ends_on", dt.date(2026, 11, 30)),
        min_discount=D(low),
        max_discount=D(high),
        **kwargs,
    )


def territory(dealer, region="CN-GD"):
    return TerritoryFactory(
        dealer=dealer,
        region=region_tree()[region],
        product_line=ProductLineFactory(code="PL-HOME"),
        starts_on=dt.date(2026, 1, 1),
    )


def promotion(dealer, the_campaign, discount="0.15", regions=("CN-GD-SZ",), **kwargs):
    tree = region_tree()
    return promotion_submit(
        actor=SYSTEM,
        dealer=dealer,
        campaign=the_campaign,
        discount=D(discount),
        starts_on=kwargs.pop("starts_on", dt.date(2026, 11, 1)),
        ends_on=kwargs.pop("ends_on", dt.date(2026, 11, 30)),
        regions=[tree[r] for r in regions],
    )
