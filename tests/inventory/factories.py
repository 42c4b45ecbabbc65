"""Inventory factories."""

from decimal import Decimal

import factory

from dealers.models import Product
from inventory.models import ReorderRule, Warehouse
from tests.factories import DealerFactory, ProductLineFactory, region_tree


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("sku",)

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.LazyAttribute(lambda p: f"Product {p.sku}")
    product_line = factory.SubFactory(ProductLineFactory, code="PL-HOME", name="Home")
    list_price = Decimal("100.00")


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"WH-{n:04d}")
    name = factory.LazyAttribute(lambda w: f"Warehouse {w.code}")
    dealer = factory.SubFactory(DealerFactory)
    region = factory.LazyFunction(lambda: region_tree()["CN-GD-SZ"])


class ReorderRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReorderRule

    product = factory.SubFactory(ProductFactory)
    region = factory.LazyFunction(lambda: region_tree()["CN-GD"])
    min_days_cover = Decimal("7")
    max_days_cover = Decimal("30")
