"""Stock rotation reads, scoped: a dealer sees the suggestions and transfers it is a party
of; staff and manufacturer keys see all."""

from __future__ import annotations

from django.db.models import Q

from rotation.models import StockTransfer, TransferSuggestion


def _suggestions():
    return TransferSuggestion.objects.select_related(
        "province", "product", "source_dealer", "destination_dealer"
    )


def suggestion_list_visible_to(who):
    return _suggestions().visible_to(who)


def transfer_list_visible_to(who):
    return StockTransfer.objects.visible_to(who).select_related(
        "product",
        "source_warehouse__region",
        "destination_warehouse__region",
        "source_dealer",
        "destination_dealer",
    )


def province_filter(region_code: str) -> Q:
    """Suggestions are per province: a country means its provinces, a province or a city
    means that province."""
    parts = region_code.split("-")
    if len(parts) == 1:
        return Q(province__code__startswith=region_code + "-")
    return Q(province__code="-".join(parts[:2]))


def suggestions_within(region_code: str | None):
    """Staff: the suggestions of the provinces in (or containing) a region subtree."""
    rows = _suggestions()
    return rows.filter(province_filter(region_code)) if region_code else rows
