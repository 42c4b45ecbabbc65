"""FilterSets shared by the API and the portal pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deals.models import DealRegistration


class DealRegistrationFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=DealRegistration.Status.choices)
    dealer = django_filters.CharFilter(field_name="dealer__code", label=_("dealer (code)"))
    region = django_filters.CharFilter(method="filter_region", label=_("customer region (subtree)"))
    number = django_filters.CharFilter(field_name="number")

    class Meta:
        model = DealRegistration
        fields = ["status", "dealer", "region", "number"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(
            Q(customer_region__code=value) | Q(customer_region__code__startswith=value + "-")
        )
