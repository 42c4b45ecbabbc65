"""Reads of quarterly reviews (scoped by ``visible_to``)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from collaboration.models import ActionItem
from portal.access import actor_from
from reviews.models import QuarterlyReview


def review_list_visible_to(who):
    """Reviews ``who`` may see. A dealer sees only its final reviews (drafts are staff's
    work in progress)."""

    qs = QuarterlyReview.objects.visible_to(who).select_related("dealer", "dealer__tier")
    if not actor_from(who).manufacturer:
        qs = qs.filter(status=QuarterlyReview.Status.FINAL)
    return qs.annotate(
        open_action_items=Count(
            "action_items", filter=Q(action_items__status__in=["open", "in_progress"])
        )
    )


def review_detail_visible_to(who):

    items = ActionItem.objects.select_related("owner").order_by("due_on", "pk")
    return (
        review_list_visible_to(who)
        .prefetch_related(Prefetch("action_items", queryset=items))
        .select_related("finalised_by", "acknowledged_by")
    )


def review_history(*, dealer_id: int, who, limit: int = 8) -> list[QuarterlyReview]:
    """The dealer's latest reviews, oldest first (for trend charts and tables)."""
    rows = list(
        review_list_visible_to(who).filter(dealer_id=dealer_id).order_by("-quarter")[:limit]
    )
    rows.reverse()
    return rows


def attainment_ranking(*, quarter: str, region=None, limit: int = 5):
    """(top, bottom) dealers of ``quarter`` by target attainment (reviews with a target)."""
    qs = QuarterlyReview.objects.filter(quarter=quarter, attainment__isnull=False).select_related(
        "dealer", "dealer__region"
    )
    if region is not None:
        qs = qs.filter(
            Q(dealer__region__code=region.code)
            | Q(dealer__region__code__startswith=region.code + "-")
        )
    top = list(qs.order_by("-attainment", "dealer__code")[:limit])
    bottom = list(qs.order_by("attainment", "dealer__code")[:limit])
    return top, bottom


def latest_review_quarter() -> str | None:
    return QuarterlyReview.objects.order_by("-quarter").values_list("quarter", flat=True).first()
