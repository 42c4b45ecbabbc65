from io import StringIO

import pytest
from django.core.management import call_command

from dealers.models import Product
from inventory import demo
from inventory.models import StockAlert, StockLevel, StockMovement, Warehouse

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_consistent():
    logins = demo.seed(StringIO())
    assert logins == [("stock-gz", "demo-pass-2026", "dealer DEMO-GZ (stock uploads)")]
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
