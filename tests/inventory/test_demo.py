from io import StringIO

import pytest
from django.core.management import call_command

from dealers.models import Product
from inventory import demo
from inventory.models import StockAlert, StockLevel, StockMovement, Warehouse
from inventory.selectors import stock_by_region_product

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_consistent():
    logins = demo.seed(StringIO())
    assert logins == [
        ("stock-gz", "demo-pass-2026", "dealer DEMO-GZ (role stock: stock, uploads, transfers)")
    ]
    # every row of the regional stock view has its days of cover (demo sales, issue 12.7)
    rows = stock_by_region_product()
    assert rows and all(row.days_of_cover is not None for row in rows)
    counts = (Product.objects.count(), Warehouse.objects.count(), StockLevel.objects.count())
    movements = StockMovement.objects.count()
    assert set(Product.objects.values_list("product_line__code", flat=True)) == {
        "PL-HOME",
        "PL-PRO",
        "PL-CLOUD",
    }
    assert Warehouse.objects.filter(dealer__isnull=True).count() == 1
    kinds = set(StockAlert.objects.open().values_list("kind", flat=True))
    assert {"over", "stale_data"} <= kinds
    demo.seed(StringIO())
    assert (
        Product.objects.count(),
        Warehouse.objects.count(),
        StockLevel.objects.count(),
    ) == counts
    assert StockMovement.objects.count() == movements
    call_command("check_stock_ledger", stdout=StringIO(), stderr=StringIO())
