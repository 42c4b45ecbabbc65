"""FilterSets shared by the API and the portal pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from mdf.models import Claim, Fund, FundRequest


class FundFilterSet(django_filters.FilterSet):
    dealer = django_filters.CharFilter(field_name="dealer__code", label=_("dealer (code)"))

    class Meta:
        model = Fund
        fields = ["dealer"]


class RequestFilterSet(django_filters.FilterSet):
    dealer = django_filters.CharFilter(field_name="dealer__code", label=_("dealer (code)"))
    status = django_filters.MultipleChoiceFilter(choices=FundRequest.Status.choices)
    activity_type = django_filters.MultipleChoiceFilter(choices=FundRequest.ActivityType.choices)

    class Meta:
        model = FundRequest
        fields = ["dealer", "status", "activity_type"]


class ClaimFilterSet(django_filters.FilterSet):
    dealer = django_filters.CharFilter(field_name="dealer__code", label=_("dealer (code)"))
    status = django_filters.MultipleChoiceFilter(choices=Claim.Status.choices)
    request = django_filters.NumberFilter(field_name="request_id", label=_("request"))

    class Meta:
        model = Claim
        fields = ["dealer", "status", "request"]
