import django_filters
from django.db.models import Q

from dealers.models import Agreement, Application, Certification, Dealer, Region, Territory


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


class TerritoryFilterSet(django_filters.FilterSet):
    dealer = django_filters.CharFilter(field_name="dealer__code")
    product_line = django_filters.CharFilter(field_name="product_line__code")
    region = django_filters.CharFilter(field_name="region__code")
    active_on = django_filters.DateFilter(method="filter_active_on", label="active on (date)")

    class Meta:
        model = Territory
        fields = ["dealer", "product_line", "region", "exclusive"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=value)
        )


class AgreementFilterSet(django_filters.FilterSet):
    dealer = django_filters.CharFilter(field_name="dealer__code")

    class Meta:
        model = Agreement
        fields = ["dealer", "status"]


class CertificationFilterSet(django_filters.FilterSet):
    dealer = django_filters.CharFilter(field_name="dealer__code")
    program = django_filters.CharFilter(field_name="program__code")
    user = django_filters.CharFilter(field_name="user__username")
    valid_on = django_filters.DateFilter(method="filter_valid_on", label="valid on (date)")

    class Meta:
        model = Certification
        fields = ["dealer", "program", "user"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(passed_on__lte=value, expires_on__gte=value)


class ApplicationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="company_name", lookup_expr="icontains")

    class Meta:
        model = Application
        fields = ["status", "credit_code"]
