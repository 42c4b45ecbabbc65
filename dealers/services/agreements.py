"""Agreements (DOMAIN.md §3.2): activate, terminate, sign."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dealers.models import Agreement, Dealer, Territory
from dealers.services._common import _locked_dealer, _require_owner, _today
from portal.models import User


@transaction.atomic
def agreement_activate(*, agreement: Agreement) -> Agreement:
    """``draft → active``; only one active agreement per dealer (DOMAIN.md §3.2). Refused
    with every missing term (``agreement_incomplete``) while the draft lacks a commission
    plan, its targets or a territory, like signing: no dealer works under blank terms."""
    _locked_dealer(agreement.dealer)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != Agreement.Status.DRAFT:
        raise ValidationError(
            _("Only a draft agreement can be activated."), code="invalid_transition"
        )
    if agreement.dealer.status == Dealer.Status.TERMINATED:
        raise ValidationError(_("The dealer is terminated."), code="dealer_terminated")
    _refuse_incomplete(agreement)
    active = (
        Agreement.objects.filter(dealer_id=agreement.dealer_id, status=Agreement.Status.ACTIVE)
        .exclude(pk=agreement.pk)
        .first()
    )
    if active is not None:
        raise ValidationError(
            _("Agreement %(number)s is already active for this dealer; terminate it first.")
            % {"number": active.number},
            code="agreement_already_active",
        )
    agreement.status = Agreement.Status.ACTIVE
    agreement.save(update_fields=["status"])
    return agreement


@transaction.atomic
def agreement_terminate(*, agreement: Agreement, on_date: datetime.date | None = None) -> Agreement:
    """End an agreement on ``on_date`` (``ended``)."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status == Agreement.Status.ENDED:
        raise ValidationError(_("The agreement has already ended."), code="invalid_transition")
    on_date = on_date or _today()
    agreement.status = Agreement.Status.ENDED
    agreement.ends_on = max(on_date, agreement.starts_on)
    agreement.save(update_fields=["status", "ends_on"])
    return agreement


def agreement_missing_terms(agreement: Agreement) -> dict[str, str]:
    """What a draft still lacks before it can be signed (DOMAIN.md §3.2: explicit terms):
    a commission plan, both sales targets, and a territory of the dealer that is valid on
    the agreement's first day or later. {field: message}; empty when complete."""
    missing = {}
    if agreement.commission_plan_id is None:
        missing["commission_plan"] = _("The agreement has no commission plan yet.")
    if not agreement.quarterly_target or agreement.quarterly_target <= 0:
        missing["quarterly_target"] = _("The agreement has no quarterly sales target yet.")
    if not agreement.annual_target or agreement.annual_target <= 0:
        missing["annual_target"] = _("The agreement has no annual sales target yet.")
    has_territory = (
        Territory.objects.filter(dealer_id=agreement.dealer_id)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=agreement.starts_on))
        .exists()
    )
    if not has_territory:
        missing["territory"] = _("The dealer has no territory for the agreement's period yet.")
    return missing


def _refuse_incomplete(agreement: Agreement) -> None:
    missing = agreement_missing_terms(agreement)
    if missing:
        raise ValidationError(
            {
                field: ValidationError(message, code="agreement_incomplete")
                for field, message in missing.items()
            }
        )


@transaction.atomic
def agreement_sign(*, agreement: Agreement, user: User) -> Agreement:
    """The dealer's owner signs a draft agreement (staff then activate it). Refused with
    every missing term (``agreement_incomplete``) while the draft lacks a commission plan,
    its targets or a territory: nobody signs terms that are not there yet."""
    agreement = Agreement.objects.select_for_update().select_related("dealer").get(pk=agreement.pk)
    _require_owner(user, agreement.dealer)
    if agreement.status != Agreement.Status.DRAFT or agreement.signed_at is not None:
        raise ValidationError(_("Only an unsigned draft can be signed."), code="invalid_transition")
    _refuse_incomplete(agreement)
    agreement.signed_by = user
    agreement.signed_at = timezone.now()
    agreement.save(update_fields=["signed_by", "signed_at"])
    return agreement
