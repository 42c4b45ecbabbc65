"""Certifications and tiers (DOMAIN.md §4): record a certification, evaluate and set tiers."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dealers import calculations, selectors
from dealers.models import (
    Certification,
    CertificationProgram,
    Dealer,
    Tier,
    TierChange,
    TierEvaluation,
)
from dealers.services._common import _actor_label, _locked_dealer, _notify_owners, _today
from portal.messages import Message, english
from portal.models import User
from portal.periods import Quarter, add_months


@transaction.atomic
def certification_record(
    *,
    user: User,
    program: CertificationProgram,
    passed_on: datetime.date,
    score: Decimal | None = None,
) -> Certification:
    """Record a passed certification; it expires after the programme's validity."""
    membership = user.dealer_membership
    if membership is None:
        raise ValidationError(
            {"user": _("The user does not work for a dealer.")}, code="not_a_member"
        )
    certification = Certification(
        dealer_id=membership.dealer_id,
        user=user,
        program=program,
        passed_on=passed_on,
        expires_on=add_months(passed_on, program.validity_months),
        score=score,
    )
    certification.full_clean()
    certification.save()
    return certification


def _tier_reason(outcome: str, before: Tier, after: Tier, period: str) -> Message:
    if outcome == "promoted":
        return Message(
            gettext_noop("%(period)s: all requirements of %(tier)s met; promoted at once."),
            period=period,
            tier=Message.names(after),
        )
    return Message(
        gettext_noop(
            "%(period)s: below the requirements of %(tier)s for two consecutive quarters; "
            "demoted to %(after)s."
        ),
        period=period,
        tier=Message.names(before),
        after=Message.names(after),
    )


@transaction.atomic
def tier_evaluate(
    *,
    dealer: Dealer,
    period: str,
    trailing_sales: Decimal,
    score: Decimal | None,
    on_date: datetime.date,
) -> TierChange | None:
    """Evaluate ``dealer`` for ``period`` (like "2026Q4") and apply DOMAIN.md §4: promotion
    to the highest eligible tier at once; demotion only when the previous quarter's
    evaluation was below the current tier too. Certified users are counted on ``on_date``.

    Every evaluation is recorded with its figures, once per (dealer, period): re-running a
    period refreshes that record (it never counts twice towards demotion) and does not
    repeat a change already made for it. A period older than the dealer's latest evaluation
    is history: re-running it (a failed quarterly run re-queued late) changes nothing, so
    old figures never undo a later promotion or demotion. Returns the change made, or None."""
    quarter = Quarter.parse(period)
    period = str(quarter)
    dealer = _locked_dealer(dealer)
    # "YYYYQn" strings sort like the quarters they name.
    if TierEvaluation.objects.filter(dealer=dealer, period__gt=period).exists():
        return None
    existing = (
        TierEvaluation.objects.select_for_update()
        .filter(dealer=dealer, period=period)
        .select_related("tier_before")
        .first()
    )
    if existing is not None and TierChange.objects.filter(evaluation=existing).exists():
        return None  # this period already changed the tier; do not apply it twice
    tiers = {t.rank: t for t in Tier.objects.all()}
    by_rank = selectors.certified_users_by_rank(dealer=dealer, on_date=on_date)
    figures = calculations.TierFigures(
        certified_users_by_rank=by_rank, trailing_sales=trailing_sales, score=score
    )
    eligible = tiers[calculations.eligible_tier(selectors.tier_requirements(), figures).rank]
    current = dealer.tier
    previous = (
        TierEvaluation.objects.filter(dealer=dealer, period=str(quarter.previous()))
        .select_related("tier_before", "eligible_tier", "tier_after")
        .first()
    )
    previous_below = (
        previous is not None
        and previous.tier_after_id == current.pk  # no change since
        and previous.eligible_tier.rank < current.rank
    )
    decision = calculations.tier_decision(
        current_rank=current.rank, eligible_rank=eligible.rank, previous_below=previous_below
    )
    after = tiers[decision.new_rank]
    evaluation, _created = TierEvaluation.objects.update_or_create(
        dealer=dealer,
        period=period,
        defaults={
            "evaluated_on": on_date,
            "tier_before": current,
            "eligible_tier": eligible,
            "tier_after": after,
            "outcome": decision.outcome,
            "trailing_sales": trailing_sales,
            "score": score,
            "certified_users": {t.code: by_rank.get(r, 0) for r, t in sorted(tiers.items())},
        },
    )
    if after.pk == current.pk:
        return None
    dealer.tier = after
    dealer.save(update_fields=["tier"])
    reason = _tier_reason(decision.outcome, current, after, period)
    change = TierChange.objects.create(
        dealer=dealer,
        from_tier=current,
        to_tier=after,
        evaluation=evaluation,
        reason=english(reason),
        reason_message=reason.as_json(),
        figures={
            "period": period,
            "trailing_sales": str(trailing_sales),
            "score": None if score is None else str(score),
            "certified_users": evaluation.certified_users,
            "eligible_tier": eligible.code,
            "previous_period_below": previous_below,
        },
        changed_by=_actor_label(),
    )
    _notify_owners(
        dealer,
        "tier_changed",
        Message(gettext_noop("Your tier is now %(tier)s"), tier=Message.names(after)),
        reason,
        url=reverse("dealers:tier"),
    )
    return change


def tier_evaluate_now(
    *, dealer: Dealer, period: str | None = None, score=None
) -> TierChange | None:
    """The admin's "evaluate now": the last completed quarter, with trailing sales from the
    reported sale lines and the score given (None: not assessed)."""
    period = period or str(Quarter.current().previous())
    return tier_evaluate(
        dealer=dealer,
        period=period,
        trailing_sales=selectors.dealer_trailing_sales(dealer=dealer, period=period),
        score=score,
        on_date=_today(),
    )


@transaction.atomic
def tier_set(*, dealer: Dealer, tier: Tier, reason: str) -> TierChange | None:
    """A manual change of tier by staff, recorded with its reason."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason.")}, code="required")
    dealer = _locked_dealer(dealer)
    if dealer.tier_id == tier.pk:
        return None
    change = TierChange.objects.create(
        dealer=dealer,
        from_tier=dealer.tier,
        to_tier=tier,
        reason=reason.strip(),
        figures={"manual": True},
        changed_by=_actor_label(),
    )
    dealer.tier = tier
    dealer.save(update_fields=["tier"])
    return change
