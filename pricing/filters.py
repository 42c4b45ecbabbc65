"""FilterSets shared by the API and the portal pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pricing.models import Campaign, PriceGuide, Promotion


def _subtree(field: str, code: str) -> Q:
    return Q(**{f"{field}__code": code}) | Q(**{f"{field}__code__startswith": code + "-"})


class PriceGuideFilterSet(django_filters.FilterSet):
    sku = django_filters.CharFilter(field_name="product__sku", label=_("SKU"))
    region = django_filters.CharFilter(method="filter_region", label=_("region (code)"))
    effective_after = django_filters.IsoDateTimeFilter(
        field_name="effective_from", lookup_expr="gte", label=_("effective from or after")
    )

    class Meta:
        model = PriceGuide
        fields = ["sku", "region", "effective_after"]

    def filter_region(self, queryset, name, value):
        """Guides of this region's subtree; ``*`` for the guides without a region."""
        if value == "*":
            return queryset.filter(region__isnull=True)
        return queryset.filter(_subtree("region", value))


class CampaignFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("region (code)"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("running on"))

    class Meta:
        model = Campaign
        fields = ["region", "active_on"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(_subtree("regions", value)).distinct()

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


class PromotionFilterSet(django_filters.FilterSet):
    dealer = django_filters.CharFilter(field_name="dealer__code", label=_("dealer (code)"))
    status = django_filters.MultipleChoiceFilter(choices=Promotion.Status.choices)
    campaign = django_filters.CharFilter(
        field_name="campaign__code", label=pgettext_lazy("price", "campaign")
    )

    class Meta:
        model = Promotion
        fields = ["dealer", "status", "campaign"]
