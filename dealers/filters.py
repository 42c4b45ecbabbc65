import django_filters

from dealers.models import Dealer, Region


class RegionFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code")
    within = django_filters.CharFilter(method="filter_within", label="within (code, subtree)")

    class Meta:
        model = Region
        fields = ["kind", "parent", "code"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(code=value) | queryset.filter(code__startswith=value + "-")


class DealerFilterSet(django_filters.FilterSet):
    tier = django_filters.CharFilter(field_name="tier__code")
    region = django_filters.CharFilter(method="filter_region", label="region (code, subtree)")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Dealer
        fields = ["status", "tier", "region"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__code=value) | queryset.filter(
            region__code__startswith=value + "-"
        )
