"""Speed of the partner-facing paths: a 10,000-item stock sync, a 10,000-line sales batch,
and a month's statement run over many lines. Run with `make bench`."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from commissions.models import SaleLine
from commissions.services import statements_build
from dealers.models import Product
from tests.commissions.factories import give_plan, plan_p
from tests.factories import DealerFactory, ProductLineFactory, region_tree
from tests.inventory.factories import WarehouseFactory

pytestmark = pytest.mark.django_db
_as_of = itertools.count()


def _products(n):
    line = ProductLineFactory(code="PL-HOME")
    Product.objects.bulk_create(
        [Product(sku=f"B-{i:05d}", name=f"B {i}", product_line=line) for i in range(n)]
    )


def test_bench_stock_sync_10000_items(benchmark, manufacturer_client):
    _products(10_000)
    WarehouseFactory(code="WH-B")

    def run():
        as_of = (
            dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=next(_as_of))
        ).isoformat()
        items = [
            {"warehouse": "WH-B", "sku": f"B-{i:05d}", "quantity": str(i % 50), "as_of": as_of}
            for i in range(10_000)
        ]
        response = manufacturer_client.post(
            "/api/v1/inventory/sync/", {"items": items}, format="json"
        )
        assert response.status_code == 200, response.content[:300]

    benchmark.pedantic(run, rounds=3, iterations=1)


def test_bench_sales_batch_10000_lines(benchmark, manufacturer_client):
    region_tree()
    _products(10)
    dealer = DealerFactory(code="BENCH")
    batch = itertools.count()

    def run():
        n = next(batch)
        lines = [
            {
                "dealer": "BENCH",
                "external_id": f"R{n}-{i}",
                "sku": f"B-{i % 10:05d}",
                "quantity": "1",
                "amount": "100.00",
                "sold_at": "2026-10-05T10:00:00+08:00",
                "ship_to_region": "CN-GD-SZ",
            }
            for i in range(10_000)
        ]
        response = manufacturer_client.post("/api/v1/sales/", {"lines": lines}, format="json")
        assert response.status_code == 201, response.content[:300]

    benchmark.pedantic(run, rounds=3, iterations=1)
    assert SaleLine.objects.filter(dealer=dealer).count() == 30_000


def test_bench_statement_run_50_dealers_100000_lines(benchmark):
    region_tree()
    _products(1)
    product = Product.objects.get(sku="B-00000")
    plan = plan_p()
    dealers = [DealerFactory(code=f"S{n:03d}") for n in range(50)]
    for d in dealers:
        give_plan(d, plan)
    ship_to = region_tree()["CN-GD-SZ"]
    when = dt.datetime(2026, 10, 5, 2, 0, tzinfo=dt.UTC)
    SaleLine.objects.bulk_create(
        [
            SaleLine(
                dealer=d,
                external_id=f"{d.code}-{i}",
                product=product,
                quantity=Decimal(1),
                amount=Decimal("100.00"),
                currency="CNY",
                sold_at=when,
                ship_to_region=ship_to,
            )
            for d in dealers
            for i in range(2_000)
        ],
        batch_size=5_000,
    )

    benchmark.pedantic(
        lambda: statements_build(period=dt.date(2026, 10, 1), dealer_ids=[d.pk for d in dealers]),
        rounds=3,
        iterations=1,
    )
