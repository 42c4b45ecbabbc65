"""Quarterly reviews (DOMAIN.md §8): the review workflow — staff assess and finalise, the
dealer acknowledges."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from collaboration.services import action_items_announce
from dealers.selectors import dealer_recipients
from portal import events
from portal.access import actor_from
from portal.messages import Message
from portal.notifications import notification_send
from reviews import calculations as calc
from reviews.models import QuarterlyReview, ReviewWeights

logger = logging.getLogger(__name__)


def _require_staff(actor, perm: str) -> None:
    actor = actor_from(actor)
    if not actor.manufacturer:
        raise PermissionDenied(_("Only staff may do this."))
    if actor.user is not None and not actor.user.has_perm(perm):
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def review_assess(
    *,
    actor,
    review: QuarterlyReview,
    satisfaction_score: int | None = None,
    communication_score: int | None = None,
    notes: str | None = None,
) -> QuarterlyReview:
    """Staff set the satisfaction and communication scores (1–5) and notes of a draft
    review; the overall score is recomputed with the current weights."""
    _require_staff(actor, "reviews.change_quarterlyreview")
    review = QuarterlyReview.objects.select_for_update().get(pk=review.pk)
    if review.is_final:
        raise ValidationError(_("A final review cannot be changed."), code="review_final")
    if satisfaction_score is not None:
        review.satisfaction_score = satisfaction_score
    if communication_score is not None:
        review.communication_score = communication_score
    if notes is not None:
        review.notes = notes
    review.overall_score = calc.review_score(review, ReviewWeights.current())
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def review_finalise(*, actor, review: QuarterlyReview) -> QuarterlyReview:
    """Finalise a draft review (both staff scores required): its figures are frozen and the
    dealer's users are notified that it awaits their acknowledgement."""
    _require_staff(actor, "reviews.finalise_quarterlyreview")
    review = QuarterlyReview.objects.select_for_update().select_related("dealer").get(pk=review.pk)
    if review.is_final:
        raise ValidationError(_("This review is already final."), code="review_final")
    missing = {
        field: ValidationError(_("Score the review before finalising it."), code="required")
        for field in ("satisfaction_score", "communication_score")
        if getattr(review, field) is None
    }
    if missing:
        raise ValidationError(missing)
    review.status = QuarterlyReview.Status.FINAL
    review.finalised_at = timezone.now()
    user = actor_from(actor).user
    review.finalised_by = user if user is not None and user.is_authenticated else None
    review.overall_score = calc.review_score(review, ReviewWeights.current())
    review.save()
    events.record(
        "review.finalised",
        {
            "review": review.pk,
            "dealer": review.dealer.code,
            "quarter": review.quarter,
            "overall_score": review.overall_score,
            "finalised_at": review.finalised_at,
        },
        dealer=review.dealer_id,
    )

    url = reverse("reviews:review-detail", args=[review.pk])
    for recipient in dealer_recipients(review.dealer_id, "company"):
        title = Message(
            gettext_noop("Your quarterly review %(quarter)s is ready"), quarter=str(review.quarter)
        )
        body = Message(gettext_noop("Please read it and acknowledge it in the portal."))
        notification_send(
            recipients=[recipient], kind="review_final", title=title, body=body, url=url
        )
    # its action items were hidden from the dealer while it was a draft: announce them now
    action_items_announce(review_id=review.pk, actor=actor)
    return review


@transaction.atomic
def review_acknowledge(*, actor, review: QuarterlyReview, comment: str = "") -> QuarterlyReview:
    """The dealer acknowledges a final review, with an optional comment (once). The staff
    member who finalised it is notified."""
    actor = actor_from(actor)
    review = QuarterlyReview.objects.select_for_update().select_related("dealer").get(pk=review.pk)
    if not actor.is_dealer or actor.dealer_id != review.dealer_id:
        raise PermissionDenied(_("Only the dealer acknowledges its review."))
    if not review.is_final:
        raise ValidationError(
            _("Only a final review can be acknowledged."), code="review_not_final"
        )
    if review.acknowledged_at is not None:
        raise ValidationError(
            _("This review was already acknowledged."), code="already_acknowledged"
        )
    review.acknowledged_at = timezone.now()
    review.acknowledged_by = actor.user if actor.user is not None else None
    review.dealer_comment = comment.strip()
    review.full_clean()
    review.save()
    if review.finalised_by_id:
        staff = review.finalised_by

        title = Message(
            gettext_noop("%(dealer)s acknowledged the review %(quarter)s"),
            dealer=review.dealer.name,
            quarter=str(review.quarter),
        )
        notification_send(
            recipients=[staff],
            kind="review_acknowledged",
            title=title,
            body=review.dealer_comment,
            url=reverse("admin:reviews_quarterlyreview_change", args=[review.pk]),
        )
    return review
