"""FilterSets shared by the API and the portal lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from commissions.models import CommissionPlan, CommissionStatement, SaleLine
from portal.filters import IsoDateTimeFilter
from portal.periods import Month


class PeriodFilter(django_filters.CharFilter):
    """A month as YYYY-MM."""

    def filter(self, qs, value):
        if not value:
            return qs
        try:
            month = Month.parse(value)
        except ValueError:
            return qs.none()
        return qs.filter(**{self.field_name: month.first_day})


class CommissionStatementFilterSet(django_filters.FilterSet):
    period = PeriodFilter(field_name="period", label=_("month (YYYY-MM)"))
    period_from = django_filters.DateFilter(field_name="period", lookup_expr="gte")
    period_to = django_filters.DateFilter(field_name="period", lookup_expr="lte")
    dealer = django_filters.CharFilter(field_name="dealer__code", label=_("dealer (code)"))
    status = django_filters.ChoiceFilter(choices=CommissionStatement.Status.choices)

    class Meta:
        model = CommissionStatement
        fields = ["period", "dealer", "status"]


class SaleLineFilterSet(django_filters.FilterSet):
    dealer = django_filters.CharFilter(field_name="dealer__code", label=_("dealer (code)"))
    sku = django_filters.CharFilter(field_name="product__sku")
    product_line = django_filters.CharFilter(field_name="product__product_line__code")
    external_id = django_filters.CharFilter()
    region = django_filters.CharFilter(method="filter_region", label=_("ship-to region (subtree)"))
    sold_after = IsoDateTimeFilter(field_name="sold_at", lookup_expr="gte")
    sold_before = IsoDateTimeFilter(field_name="sold_at", lookup_expr="lt")
    reported_after = IsoDateTimeFilter(field_name="reported_at", lookup_expr="gte")
    returns = django_filters.BooleanFilter(method="filter_returns", label=_("returns only"))

    class Meta:
        model = SaleLine
        fields = ["dealer", "sku", "external_id"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(ship_to_region__code=value) | queryset.filter(
            ship_to_region__code__startswith=value + "-"
        )

    def filter_returns(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(amount__lt=0) if value else queryset.filter(amount__gte=0)


class CommissionPlanFilterSet(django_filters.FilterSet):
    class Meta:
        model = CommissionPlan
        fields = ["active", "step_mode"]
