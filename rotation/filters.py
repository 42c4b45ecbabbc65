"""FilterSets shared by the API and the portal pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.access import actor_from
from rotation.models import StockTransfer, TransferSuggestion
from rotation.selectors import province_filter


class _DealerFilterMixin:
    def filter_dealer(self, queryset, name, value):
        """Rows with this dealer on either side. A dealer caller cannot use it to learn who
        its counter-parties are: for it, another dealer's code matches only the transfers
        whose parties are already named to each other (both accepted)."""
        either = Q(source_dealer__code=value) | Q(destination_dealer__code=value)
        actor = actor_from(self.request) if self.request is not None else None
        if actor is None or actor.manufacturer:
            return queryset.filter(either)
        own = getattr(actor.dealer, "code", None)
        if value == own:
            return queryset
        if queryset.model is TransferSuggestion:
            return queryset.none()
        return queryset.filter(
            either, source_accepted_at__isnull=False, destination_accepted_at__isnull=False
        )


class SuggestionFilterSet(_DealerFilterMixin, django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("region (code)"))
    sku = django_filters.CharFilter(field_name="product__sku", label=_("SKU"))
    dealer = django_filters.CharFilter(method="filter_dealer", label=_("dealer (code)"))

    class Meta:
        model = TransferSuggestion
        fields = ["region", "sku", "dealer"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(province_filter(value))


class TransferFilterSet(_DealerFilterMixin, django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=StockTransfer.Status.choices)
    sku = django_filters.CharFilter(field_name="product__sku", label=_("SKU"))
    dealer = django_filters.CharFilter(method="filter_dealer", label=_("dealer (code)"))

    class Meta:
        model = StockTransfer
        fields = ["status", "sku", "dealer"]
