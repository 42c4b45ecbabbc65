"""The sync path's number of queries does not grow with the batch (issue 13)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dealers.models import Product
from inventory.models import StockLevel, StockMovement
from inventory.services import stock_levels_apply_adjustments, stock_levels_apply_sets
from portal.access import Actor
from tests.factories import ProductLineFactory
from tests.inventory.factories import WarehouseFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


@pytest.fixture
def catalogue():
    line = ProductLineFactory(code="PL-Q")
    Product.objects.bulk_create(
        [Product(sku=f"Q-{i:04d}", name=f"Q {i}", product_line=line) for i in range(100)]
    )
    return [WarehouseFactory(code=f"WH-Q{n}") for n in range(2)]


def _sets(n, *, as_of, quantity):
    return [
        {
            "warehouse": f"WH-Q{i % 2}",
            "sku": f"Q-{i:04d}",
            "quantity": str(quantity + i),
            "as_of": as_of.isoformat(),
        }
        for i in range(n)
    ]


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_set_queries_do_not_grow_with_the_batch(catalogue):
    actor = Actor(manufacturer=True)
    counts = []
    for n in (10, 100):
        for round_, quantity in enumerate((1, 2)):  # new levels, then existing ones
            items = _sets(n, as_of=AS_OF + dt.timedelta(hours=n + round_), quantity=quantity)
            counts.append(
                _queries(lambda items=items: stock_levels_apply_sets(actor=actor, items=items))
            )
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    # existing levels: warehouses, products; the one statement in its savepoint (SAVEPOINT,
    # statement, RELEASE); the INSERT of the request's stock.levels_changed events (issue
    # 14); the service's own savepoint pair. New levels: the savepoint rolled back, the
    # missing levels inserted and the statement run again (inventory.bulk.sets_apply).
    assert counts[1] == 8 and counts[0] <= 11, counts
    assert StockMovement.objects.count() == 10 * 2 + 100 * 2  # every count changes the level
    for level in StockLevel.objects.all():
        assert level.quantity == sum(m.delta for m in level.movements.all())


def test_adjustment_queries_do_not_grow_with_the_batch(catalogue):
    actor = Actor(manufacturer=True)
    counts = []
    for n in (10, 100):
        items = [
            {"warehouse": f"WH-Q{i % 2}", "sku": f"Q-{i:04d}", "delta": "3", "reason": "count"}
            for i in range(n)
        ]
        counts.append(
            _queries(lambda items=items: stock_levels_apply_adjustments(actor=actor, items=items))
        )
    assert counts[0] == counts[1], counts
