"""Commission plans: their steps and tier bonuses (finance writes them)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commissions.models import CommissionPlan, PlanStep, PlanTierBonus
from portal.access import actor_from

FINANCE = "finance"


def require_finance(actor) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` acts for finance (the finance group, a
    superuser, a manufacturer key): statements' approval, payment and adjustments."""
    if not actor_from(actor).in_group(FINANCE):
        raise PermissionDenied(_("Only the finance group may do this."))


# --- plans ---------------------------------------------------------------------------------


def plan_steps_validate(steps: list[tuple[Decimal, Decimal]]) -> None:
    """Steps of one plan: thresholds unique and positive; the rate never falls as the
    threshold rises (so selling more never lowers the step rate, and marginal ≤ whole)."""
    ordered = sorted(steps, key=lambda s: s[0])
    thresholds = [t for t, _r in ordered]
    if len(set(thresholds)) != len(thresholds):
        raise ValidationError(
            {
                "steps": ValidationError(
                    _("Two steps have the same threshold."), code="duplicate_threshold"
                )
            }
        )
    for (_t1, r1), (_t2, r2) in itertools.pairwise(ordered):
        if r2 < r1:
            raise ValidationError(
                {
                    "steps": ValidationError(
                        _("A higher threshold cannot have a lower rate."), code="rate_decreasing"
                    )
                }
            )


@transaction.atomic
def commission_plan_save(
    *,
    plan: CommissionPlan | None = None,
    fields: dict,
    steps: list[dict] | None = None,
    tier_bonuses: list[dict] | None = None,
) -> CommissionPlan:
    """Create or update a plan with its steps (``[{"threshold", "rate"}]``) and tier bonuses
    (``[{"tier": Tier, "rate"}]``); the lists, when given, replace the existing ones.
    Approved statements keep their figures (each stores its own derivation)."""
    plan = plan or CommissionPlan()
    for key, value in fields.items():
        setattr(plan, key, value)
    plan.full_clean()
    if steps is not None:
        plan_steps_validate([(Decimal(s["threshold"]), Decimal(s["rate"])) for s in steps])
    plan.save()
    if steps is not None:
        new_steps = [PlanStep(plan=plan, threshold=s["threshold"], rate=s["rate"]) for s in steps]
        for step in new_steps:
            step.full_clean(exclude=["plan"], validate_unique=False, validate_constraints=False)
        plan.steps.all().delete()
        for step in new_steps:
            step.save()
    if tier_bonuses is not None:
        tiers = [b["tier"].pk for b in tier_bonuses]
        if len(set(tiers)) != len(tiers):
            raise ValidationError(
                {"tier_bonuses": ValidationError(_("A tier appears twice."), code="duplicate_tier")}
            )
        new_bonuses = [
            PlanTierBonus(plan=plan, tier=b["tier"], rate=b["rate"]) for b in tier_bonuses
        ]
        for bonus in new_bonuses:
            bonus.full_clean(exclude=["plan"], validate_unique=False, validate_constraints=False)
        plan.tier_bonuses.all().delete()
        for bonus in new_bonuses:
            bonus.save()
    return plan
