"""Stock rotation fixtures: the worked example of DOMAIN.md §16."""

import datetime as dt
from decimal import Decimal as D

from django.utils import timezone

from inventory import services as inventory
from tests.commissions.factories import product, sale
from tests.factories import ApiKeyFactory, DealerFactory, region_tree
from tests.inventory.factories import ReorderRuleFactory, WarehouseFactory

NOW = dt.datetime(2027, 3, 10, 2, 0, tzinfo=dt.UTC)


def set_stock(warehouse, sku, quantity, *, as_of=None):
    key, _secret = ApiKeyFactory.issue(manufacturer=True)
    inventory.stock_levels_apply_sets(
        actor=key,
        items=[
            {
                "warehouse": warehouse.code,
                "sku": sku,
                "quantity": str(quantity),
                "as_of": (as_of or NOW - dt.timedelta(hours=1)).isoformat(),
            }
        ],
        now=NOW,
    )


def example(now=NOW):
    """CN-GD, product P-1, min 7 / max 30 days; dealer A holds 500 and sells 10 a day,
    dealer B holds 20 and sells 10 a day (§16)."""
    regions = region_tree()
    p1 = product("P-1")
    ReorderRuleFactory(product=p1, region=regions["CN-GD"], min_days_cover=D("7"), max_days_cover=D("30"))
    a, b = DealerFactory(code="DLR-A", name="Dealer A"), DealerFactory(code="DLR-B", name="Dealer B")
    wa = WarehouseFactory(code="WH-A", dealer=a, region=regions["CN-GD-SZ"])
    wb = WarehouseFactory(code="WH-B", dealer=b, region=regions["CN-GD-GZ"])
    set_stock(wa, "P-1", 500)
    set_stock(wb, "P-1", 20)
    # 280 units each over the last 28 days: 10 a day
    sale(a, "28000", now - dt.timedelta(days=3), quantity=D("280"), sku="P-1", region="CN-GD-SZ")
    sale(b, "28000", now - dt.timedelta(days=5), quantity=D("280"), sku="P-1", region="CN-GD-GZ")
    return {"a": a, "b": b, "wa": wa, "wb": wb, "product": p1, "regions": regions}


def aware(*args):
    return timezone.make_aware(dt.datetime(*args))
