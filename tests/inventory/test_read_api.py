"""Read API: levels, regional figures, products, warehouses."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commissions.models import SaleLine
from dealers.models import Product
from inventory import services
from inventory.models import StockLevel, Warehouse
from tests.api_mixins import APIResourceTests
from tests.factories import ApiKeyFactory, DealerFactory, ProductLineFactory, region_tree
from tests.inventory.factories import ProductFactory, ReorderRuleFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

NOW = "2026-11-20T08:00:00+08:00"


def set_stock(warehouse, product, quantity, as_of=NOW):
    services.stock_levels_apply_sets(
        actor=ApiKeyFactory.issue(manufacturer=True)[0],
        items=[
            {"warehouse": warehouse.code, "sku": product.sku, "quantity": quantity, "as_of": as_of}
        ],
    )
    return StockLevel.objects.get(warehouse=warehouse, product=product)


def sell(dealer, product, quantity, region_code, days_ago=1):
    return SaleLine.objects.create(
        dealer=dealer,
        external_id=f"S{SaleLine.objects.count()}",
        product=product,
        quantity=Decimal(quantity),
        amount=Decimal(quantity) * 10,
        currency="CNY",
        sold_at=timezone.now() - timedelta(days=days_ago),
        ship_to_region=region_tree()[region_code],
    )


class TestStockLevelsAPI(APIResourceTests):
    url = "/api/v1/inventory/levels/"
    lookup_field = "pk"
    response_lookup_key = "id"
    list_max_queries = 6

    def make(self, dealer):
        warehouse = WarehouseFactory(dealer=dealer)
        return set_stock(warehouse, ProductFactory(), 5)

    def test_filters(self, manufacturer_client, dealer):
        tree = region_tree()
        sz = WarehouseFactory(code="WH-SZ", dealer=dealer, region=tree["CN-GD-SZ"])
        bj = WarehouseFactory(code="WH-BJ", dealer=dealer, region=tree["CN-BJ"])
        home = ProductFactory(sku="H-1")
        pro = ProductFactory(sku="P-1", product_line=ProductLineFactory(code="PL-PRO"))
        a = set_stock(sz, home, 1)
        b = set_stock(bj, pro, 2)
        StockLevel.objects.filter(pk=b.pk).update(updated_at=timezone.now() - timedelta(days=3))

        def ids(query):
            response = manufacturer_client.get(self.url + query)
            return {row["id"] for row in self.results(response)}

        assert ids("?region=CN-GD") == {a.pk}  # the subtree
        assert ids("?region=CN") == {a.pk, b.pk}
        assert ids("?warehouse=WH-BJ") == {b.pk}
        assert ids("?sku=H-1") == {a.pk}
        assert ids("?product_line=PL-PRO") == {b.pk}
        since = (timezone.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
        assert ids(f"?updated_since={since}") == {a.pk}

    def test_row_shape(self, dealer_client, dealer):
        level = self.make(dealer)
        row = dealer_client.get(f"{self.url}{level.pk}/").json()
        assert row["quantity"] == "5.000"
        assert row["warehouse"] == level.warehouse.code and row["region"] == "CN-GD-SZ"


class TestWarehousesAPI(APIResourceTests):
    url = "/api/v1/warehouses/"
    lookup_field = "code"
    list_max_queries = 6

    def make(self, dealer):
        return WarehouseFactory(dealer=dealer)

    def create_payload(self, dealer):
        region_tree()
        return {"code": "WH-NEW", "name": "New", "dealer": dealer.code, "region": "CN-GD-GZ"}

    def update_payload(self, obj):
        return {"name": "Renamed"}

    def test_manufacturer_warehouse_and_stale_flag(self, manufacturer_client):
        region_tree()
        response = manufacturer_client.post(
            self.url, {"code": "WH-M", "name": "Factory", "region": "CN-GD"}, format="json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["dealer"] is None and response.json()["stale"] is True
        assert Warehouse.objects.get(code="WH-M").dealer is None

    def test_dealer_cannot_create(self, dealer_client, dealer):
        response = dealer_client.post(self.url, self.create_payload(dealer), format="json")
        assert response.status_code == 403
        assert not Warehouse.objects.filter(code="WH-NEW").exists()


class TestProductsAPI(APIResourceTests):
    url = "/api/v1/products/"
    lookup_field = "sku"
    dealer_scoped = False
    list_max_queries = 6

    def make(self, dealer):
        return ProductFactory()

    def create_payload(self, dealer):
        ProductLineFactory(code="PL-PRO")
        return {"sku": "NEW-1", "name": "New", "product_line": "PL-PRO", "list_price": "12.50"}

    def update_payload(self, obj):
        return {"name": "Renamed"}

    def test_dealer_key_reads_but_cannot_write(self, dealer_client):
        product = ProductFactory(sku="R-1")
        assert dealer_client.get(f"{self.url}R-1/").status_code == 200
        assert (
            dealer_client.patch(f"{self.url}R-1/", {"name": "x"}, format="json").status_code == 403
        )
        response = dealer_client.post(self.url, self.create_payload(None), format="json")
        assert response.status_code == 403
        product.refresh_from_db()
        assert product.name == "Product R-1" and not Product.objects.filter(sku="NEW-1").exists()


class TestRegionStockAPI(APIResourceTests):
    url = "/api/v1/inventory/regions/"
    lookup_field = "code"
    response_lookup_key = "region"
    dealer_scoped = False  # regions are shared; the figures are scoped (tested below)
    list_max_queries = 8

    def make(self, dealer):
        from tests.factories import RegionFactory

        parent = region_tree()["CN-GD"]
        n = Warehouse.objects.count()
        region = RegionFactory(code=f"CN-GD-R{n}", kind="city", parent=parent, time_zone="")
        set_stock(WarehouseFactory(dealer=dealer, region=region), ProductFactory(), 3)
        return region

    def test_figures_roll_up_the_subtree(self, manufacturer_client, dealer, other_dealer):
        tree = region_tree()
        product = ProductFactory(sku="X-1")
        set_stock(WarehouseFactory(dealer=dealer, region=tree["CN-GD-SZ"]), product, 100)
        set_stock(WarehouseFactory(dealer=other_dealer, region=tree["CN-GD-GZ"]), product, 40)
        set_stock(WarehouseFactory(dealer=None, region=tree["CN-BJ"]), product, 1000)
        sell(dealer, product, 20, "CN-GD-SZ")
        sell(other_dealer, product, 10, "CN-GD-GZ", days_ago=27)
        sell(other_dealer, product, -2, "CN-GD-GZ")  # a return counts against
        sell(dealer, product, 500, "CN-GD-SZ", days_ago=29)  # outside the 28 days
        ReorderRuleFactory(
            product=product, region=tree["CN-GD"], min_days_cover=30, max_days_cover=60
        )
        rows = manufacturer_client.get(self.url + "?sku=X-1&region=CN-GD").json()["results"]
        by_region = {row["region"]: row for row in rows}
        assert set(by_region) == {"CN-GD", "CN-GD-SZ", "CN-GD-GZ"}
        gd = by_region["CN-GD"]
        assert gd["quantity"] == "140.000" and gd["warehouses"] == 2
        assert gd["sold_28d"] == "28.000" and gd["avg_daily_sales"] == "1.0000"
        assert gd["days_of_cover"] == "140.0" and gd["status"] == "over"
        assert by_region["CN-GD-SZ"]["status"] == "no_rule"
        cn = manufacturer_client.get(self.url + "CN/?sku=X-1").json()
        assert cn["results"][0]["quantity"] == "1140.000" and cn["results"][0]["warehouses"] == 3

    def test_dealer_sees_figures_of_its_own_stock_only(self, dealer_client, dealer, other_dealer):
        tree = region_tree()
        product = ProductFactory(sku="X-2")
        set_stock(WarehouseFactory(dealer=dealer, region=tree["CN-GD-SZ"]), product, 7)
        set_stock(WarehouseFactory(dealer=other_dealer, region=tree["CN-GD-SZ"]), product, 40)
        row = dealer_client.get(self.url + "CN-GD/?sku=X-2").json()["results"][0]
        assert row["quantity"] == "7.000" and row["warehouses"] == 1

    def test_unknown_region_is_404(self, manufacturer_client):
        assert manufacturer_client.get(self.url + "NOPE/").status_code == 404


def test_stock_freshness_by_dealer():
    from inventory.selectors import stock_freshness_by_dealer

    a, b, c = DealerFactory(), DealerFactory(), DealerFactory()
    now = timezone.now()
    WarehouseFactory(dealer=a, last_synced_at=now - timedelta(days=1))
    WarehouseFactory(dealer=a, last_synced_at=now - timedelta(days=8))
    WarehouseFactory(dealer=a, last_synced_at=None)
    WarehouseFactory(dealer=a, last_synced_at=None, active=False)  # not counted
    WarehouseFactory(dealer=b, last_synced_at=now - timedelta(days=6, hours=23))
    result = stock_freshness_by_dealer(dealer_ids=[a.pk, b.pk, c.pk], now=now)
    assert result == {a.pk: Decimal("0.3333"), b.pk: Decimal("1.0000"), c.pk: None}


def test_level_list_json_is_what_the_declared_fields_give(manufacturer_client, dealer):
    """The hand-written representation of a level (issue 13) renders exactly as DRF's
    field-by-field one, null ``as_of`` included."""
    from rest_framework import serializers as drf

    from inventory.api.serializers import StockLevelSerializer

    set_stock(WarehouseFactory(dealer=dealer), ProductFactory(), 5)
    adjusted = set_stock(WarehouseFactory(dealer=dealer), ProductFactory(), 7)
    StockLevel.objects.filter(pk=adjusted.pk).update(as_of=None)
    levels = StockLevel.objects.select_related("warehouse__region", "product__product_line")
    fast = StockLevelSerializer(levels, many=True).data
    generic = drf.Serializer.to_representation
    slow = [generic(StockLevelSerializer(level), level) for level in levels]
    assert [dict(row) for row in fast] == [dict(row) for row in slow]
    assert any(row["as_of"] is None for row in fast)
    body = manufacturer_client.get("/api/v1/inventory/levels/").json()
    by_id = sorted((dict(row) for row in slow), key=lambda row: row["id"])
    assert sorted(body["results"], key=lambda row: row["id"]) == by_id
