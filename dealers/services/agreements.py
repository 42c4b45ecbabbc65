"""Agreements (DOMAIN.md §3.2): activate, terminate, sign."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dealers.models import Agreement, Dealer
from dealers.services._common import _locked_dealer, _require_owner, _today
from portal.models import User


@transaction.atomic
def agreement_activate(*, agreement: Agreement) -> Agreement:
    """``draft → active``; only one active agreement per dealer (DOMAIN.md §3.2)."""
    _locked_dealer(agreement.dealer)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != Agreement.Status.DRAFT:
        raise ValidationError(
            _("Only a draft agreement can be activated."), code="invalid_transition"
        )
    if agreement.dealer.status == Dealer.Status.TERMINATED:
        raise ValidationError(_("The dealer is terminated."), code="dealer_terminated")
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


@transaction.atomic
def agreement_sign(*, agreement: Agreement, user: User) -> Agreement:
    """The dealer's owner signs a draft agreement (staff then activate it)."""
    agreement = Agreement.objects.select_for_update().select_related("dealer").get(pk=agreement.pk)
    _require_owner(user, agreement.dealer)
    if agreement.status != Agreement.Status.DRAFT or agreement.signed_at is not None:
        raise ValidationError(_("Only an unsigned draft can be signed."), code="invalid_transition")
    agreement.signed_by = user
    agreement.signed_at = timezone.now()
    agreement.save(update_fields=["signed_by", "signed_at"])
    return agreement
