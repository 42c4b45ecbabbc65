"""Review filters, named like every other list's (DOMAIN.md §10: ``dealer=<code>``)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from reviews.models import QuarterlyReview


class QuarterlyReviewFilterSet(django_filters.FilterSet):
    dealer = django_filters.CharFilter(field_name="dealer__code", label=_("dealer (code)"))

    class Meta:
        model = QuarterlyReview
        fields = ["quarter", "status", "dealer"]
