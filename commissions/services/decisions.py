"""Statement decisions (DOMAIN.md §6.3): refresh for review, approve, mark paid, adjust.

Split from ``statements`` (the monthly build); both re-exported by ``commissions.services``."""


from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from commissions import calculations as calc
from commissions.models import CommissionStatement, StatementComponent
from commissions.services.plans import require_finance
from commissions.services.statements import _refresh_one, _retotal
from dealers.selectors import dealer_recipients
from portal import events
from portal.access import actor_from
from portal.errors import StaleFigures
from portal.messages import Message
from portal.notifications import notification_send
from portal.periods import Month


def _lock(statement: CommissionStatement) -> CommissionStatement:
    return (
        CommissionStatement.objects.select_for_update()
        .select_related("dealer")
        .get(pk=statement.pk)
    )


def _money(amount: Decimal) -> str:
    return number_format(amount, 2, force_grouping=True)


def _refuse_unseen_total(locked: CommissionStatement, expected_total, message: str) -> None:
    """Money is never approved blind: refuse (``total_changed``, with the current figures)
    unless the caller saw ``locked``'s total. ``None``: a system caller, no check."""
    if expected_total is None or locked.total == Decimal(expected_total):
        return
    raise StaleFigures(
        message,
        code="total_changed",
        field="expected_total",
        current=locked,
        params={
            "seen": _money(Decimal(expected_total)),
            "total": _money(locked.total),
            "currency": locked.currency,
        },
    )


@transaction.atomic
def statement_refresh(*, statement: CommissionStatement, now=None) -> CommissionStatement:
    """Recompute a draft's figures now, under its lock (as the nightly run would), so that
    the person about to approve it sees what approval will fix; approved and paid
    statements are returned as they are."""
    locked = _lock(statement)
    if not locked.is_locked:
        _refresh_one(locked, now or timezone.now())
    return locked
def _statement_payload(statement: CommissionStatement) -> dict:
    """The payload of ``statement.approved`` and ``statement.paid`` (docs/events.md)."""
    return {
        "statement": statement.pk,
        "dealer": statement.dealer.code,
        "period": str(Month.of(statement.period)),
        "status": statement.status,
        "currency": statement.currency,
        "net_sales": statement.net_sales,
        "total": statement.total,
        "approved_at": statement.approved_at,
        "paid_at": statement.paid_at,
        "payment_reference": statement.payment_reference,
    }


@transaction.atomic
def statement_approve(
    *, statement: CommissionStatement, actor, expected_total: Decimal | None = None, now=None
) -> CommissionStatement:
    """Approve a draft (finance). The month must be over. Under the statement's lock, each
    line it counts records it (``SaleLine.counted_in``) and the figures are recomputed from
    exactly those lines: a line committed before the lock is in them, one committed after
    is ``late`` in a later draft — never both, never neither, whatever the clocks say
    (DOMAIN.md §6.3). ``expected_total`` (what the approver saw) refuses the approval if
    the refresh changed the total: it is refused with :class:`StaleFigures`
    (``total_changed``) carrying the new figures. Every interface for people requires it;
    only system callers (the demo) approve without."""
    require_finance(actor)
    locked = _lock(statement)
    now = now or timezone.now()  # read under the lock
    if locked.status != CommissionStatement.Status.DRAFT:
        raise ValidationError(_("Only a draft can be approved."), code="not_draft")
    _start, end = Month.of(locked.period).bounds()
    if end > now:
        raise ValidationError(
            _("The month is not over yet; it can be approved from its last day on."),
            code="period_not_over",
        )
    _refresh_one(locked, now, approving=True)
    _refuse_unseen_total(
        locked,
        expected_total,
        _(
            "The total changed from %(seen)s to %(total)s %(currency)s since you looked at "
            "it (sales or adjustments were added); review the new figures and approve again."
        ),
    )
    locked.status = CommissionStatement.Status.APPROVED
    locked.approved_at = now
    locked.approved_by = actor_from(actor).label
    locked.save(update_fields=["status", "approved_at", "approved_by"])
    events.record("statement.approved", _statement_payload(locked), dealer=locked.dealer_id)
    _notify_dealer(locked, gettext_noop("Your commission statement for %(period)s is approved"))
    return locked


@transaction.atomic
def statement_mark_paid(
    *,
    statement: CommissionStatement,
    actor,
    reference: str = "",
    expected_total: Decimal | None = None,
    now=None,
) -> CommissionStatement:
    """Record the payment of an approved statement (finance). ``expected_total`` is the
    amount the payer saw; a different total is refused with :class:`StaleFigures`
    (``total_changed``) carrying the statement's real figures."""
    require_finance(actor)
    locked = _lock(statement)
    if locked.status != CommissionStatement.Status.APPROVED:
        raise ValidationError(
            _("Only an approved statement can be marked paid."), code="not_approved"
        )
    _refuse_unseen_total(
        locked,
        expected_total,
        _(
            "The approved total is %(total)s %(currency)s, not %(seen)s; check the "
            "statement before recording its payment."
        ),
    )
    locked.status = CommissionStatement.Status.PAID
    locked.paid_at = now or timezone.now()
    locked.paid_by = actor_from(actor).label
    locked.payment_reference = reference[:100]
    locked.save(update_fields=["status", "paid_at", "paid_by", "payment_reference"])
    events.record("statement.paid", _statement_payload(locked), dealer=locked.dealer_id)
    _notify_dealer(locked, gettext_noop("Your commission for %(period)s is paid"))
    return locked


@transaction.atomic
def statement_adjustment_add(
    *, statement: CommissionStatement, actor, amount: Decimal, reason: str
) -> StatementComponent:
    """A manual adjustment line on a draft (finance), with its reason."""
    require_finance(actor)
    locked = _lock(statement)
    if locked.is_locked:
        raise ValidationError(
            _("Approved and paid statements do not change."), code="statement_locked"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give a reason."), code="required")})
    amount = Decimal(amount)
    if amount != amount.quantize(calc.CENT):
        raise ValidationError(
            {"amount": ValidationError(_("At most 2 decimal places."), code="max_decimal_places")}
        )
    label = actor_from(actor).label
    component = StatementComponent.objects.create(
        statement=locked,
        dealer_id=locked.dealer_id,
        kind=StatementComponent.Kind.ADJUSTMENT,
        amount=amount,
        reason=reason,
        derivation={"formula": "manual adjustment", "by": label, "reason": reason},
        created_by=label,
    )
    locked.total = _retotal(locked)
    locked.save(update_fields=["total"])
    return component


def _notify_dealer(statement: CommissionStatement, msgid: str) -> None:
    """Tell the dealer's users who see statements (owner, finance), each in their own
    language (``msgid`` takes the period)."""
    notification_send(
        recipients=dealer_recipients(statement.dealer_id, "statements"),
        kind="commission_statement",
        title=Message(msgid, period=str(statement.period_label)),
        url=reverse("commissions:statement-detail", args=[statement.pk]),
    )
