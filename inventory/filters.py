"""FilterSets shared by the API and the portal pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dealers.models import Product
from inventory.models import StockLevel, Warehouse
from portal.filters import IsoDateTimeFilter


def _subtree(field):
    def method(queryset, name, value):
        return queryset.filter(Q(**{field: value}) | Q(**{f"{field}__startswith": value + "-"}))

    return method


class StockLevelFilterSet(django_filters.FilterSet):
    warehouse = django_filters.CharFilter(field_name="warehouse__code", label=_("warehouse"))
    sku = django_filters.CharFilter(field_name="product__sku", label=_("SKU"))
    product_line = django_filters.CharFilter(
        field_name="product__product_line__code", label=_("product line")
    )
    region = django_filters.CharFilter(
        method="filter_region", label=_("region (code, with its subregions)")
    )
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("updated since")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    class Meta:
        model = StockLevel
        fields = ["warehouse", "sku", "product_line", "region", "updated_since"]

    def filter_region(self, queryset, name, value):
        return _subtree("warehouse__region__code")(queryset, name, value)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(product__sku__icontains=value) | Q(product__name__icontains=value))


class WarehouseFilterSet(django_filters.FilterSet):
    dealer = django_filters.CharFilter(field_name="dealer__code", label=_("dealer"))
    manufacturer = django_filters.BooleanFilter(
        field_name="dealer", lookup_expr="isnull", label=_("manufacturer warehouses")
    )
    region = django_filters.CharFilter(method="filter_region", label=_("region"))

    class Meta:
        model = Warehouse
        fields = ["dealer", "manufacturer", "region", "active"]

    def filter_region(self, queryset, name, value):
        return _subtree("region__code")(queryset, name, value)


class ProductFilterSet(django_filters.FilterSet):
    product_line = django_filters.CharFilter(field_name="product_line__code")
    q = django_filters.CharFilter(method="filter_q")

    class Meta:
        model = Product
        fields = ["product_line", "active"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(sku__icontains=value) | Q(name__icontains=value))
