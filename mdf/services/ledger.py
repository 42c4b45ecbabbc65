"""The fund ledger (DOMAIN.md §14): every movement is appended under the fund's row lock,
so the available and reserved sums never go below zero, also under concurrent requests.

Each movement has a ``source_key`` (unique): a movement for the same source is recorded
once, whoever calls and however often (an accrual per dealer and quarter, a reservation per
request, a payment per claim).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from commissions.selectors import month_plans, net_sales_by_dealer
from mdf import calculations as calc
from mdf.models import Fund, FundRequest, Movement
from portal.access import actor_from
from portal.clock import manufacturer_date
from portal.periods import Quarter

K = Movement.Kind
MAX_AMOUNT = Decimal("999999999999.99")


def error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def parse_money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise error(field, _("Enter an amount."), "invalid") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise error(field, _("Enter a positive amount."), "invalid")
    if amount != amount.quantize(calc.CENT):
        raise error(field, _("At most two decimal places."), "invalid")
    return amount


def fund_open(*, dealer) -> Fund:
    """The dealer's fund, opened empty when it has none yet: every dealer has a balance,
    0.00 before its first accrual or allocation (DOMAIN.md §14)."""
    fund, _created = Fund.objects.get_or_create(dealer=dealer)
    return fund


def fund_locked(dealer) -> Fund:
    """The dealer's fund row, created if need be, locked until the transaction ends."""
    fund_open(dealer=dealer)
    return Fund.objects.select_for_update().get(dealer=dealer)


def append(
    fund: Fund,
    *,
    kind: str,
    amount: Decimal,
    available_delta: Decimal,
    reserved_delta: Decimal,
    source_key: str,
    created_by: str,
    now: dt.datetime | None = None,
    **fields,
) -> Movement | None:
    """Append a movement to a locked fund (``fund_locked``), once per ``source_key``.
    Refuses (``insufficient_funds``) a movement that would take the available amount below
    zero. Returns the movement, or None when the source was already recorded."""
    if Movement.objects.filter(source_key=source_key).exists():
        return None
    available = fund.available + available_delta
    reserved = fund.reserved + reserved_delta
    if available < 0:
        raise error(
            "amount",
            _("Not enough marketing funds: %(available)s available.")
            % {"available": fund.available},
            "insufficient_funds",
        )
    if reserved < 0:
        raise error("amount", _("More than is reserved would be released."), "over_release")
    now = now or timezone.now()
    movement = Movement.objects.create(
        fund=fund,
        dealer_id=fund.dealer_id,
        kind=kind,
        amount=amount,
        available_delta=available_delta,
        reserved_delta=reserved_delta,
        available_after=available,
        source_key=source_key,
        created_by=created_by,
        created_at=now,
        **fields,
    )
    fund.available, fund.reserved, fund.updated_at = available, reserved, now
    fund.save(update_fields=["available", "reserved", "updated_at"])
    return movement


def reserved_for(request: FundRequest) -> Decimal:
    """What is still reserved for a request."""
    total = Movement.objects.filter(request=request).aggregate(s=Sum("reserved_delta"))["s"]
    return total or calc.ZERO


# --- accrual ------------------------------------------------------------------------------


def accrual_rate(dealer, quarter: Quarter):
    """The ``mdf_rate`` of the plan of the quarter's last month with a plan (as threshold
    bonuses take theirs), or None for a dealer without a plan in the quarter."""
    for month in reversed(quarter.months()):
        plan = month_plans(month=month, dealer_ids=[dealer.pk]).get(dealer.pk)
        if plan is not None:
            return plan.plan.mdf_rate, plan.plan.code
    return None


@transaction.atomic
def fund_accrue(
    *, dealer, quarter, net_sales: Decimal | None = None, dry_run: bool = False
) -> dict:
    """Accrue ``mdf_rate`` × the quarter's net sales (when positive) to the dealer's fund,
    exactly once per (dealer, quarter). Called by the quarterly job (§8). Returns
    ``{"outcome": "accrued" | "nothing" | "would_accrue", "amount": ...}``."""
    period = Quarter.parse(quarter)
    key = f"accrual:{dealer.pk}:{period}"
    existing = Movement.objects.filter(source_key=key).first()
    if existing is not None:
        # the quarter's accrual, whichever run made it (a re-run reports the same)
        return {"outcome": "accrued", "amount": str(existing.amount)}
    if net_sales is None:
        start, end = period.bounds()
        net_sales = net_sales_by_dealer(start=start, end=end, dealer_ids=[dealer.pk]).get(
            dealer.pk, calc.ZERO
        )
    rate = accrual_rate(dealer, period)
    amount = calc.accrual(net_sales, rate[0]) if rate else calc.ZERO
    if amount <= 0:
        return {"outcome": "nothing", "amount": "0.00"}
    if dry_run:
        return {"outcome": "would_accrue", "amount": str(amount)}
    fund = fund_locked(dealer)
    movement = append(
        fund,
        kind=K.ACCRUAL,
        amount=amount,
        available_delta=amount,
        reserved_delta=calc.ZERO,
        source_key=key,
        created_by="system",
        quarter=str(period),
        expires_on=calc.accrual_expires_on(period),
        derivation={"net_sales": str(net_sales), "mdf_rate": str(rate[0]), "plan": rate[1]},
    )
    return {"outcome": "accrued", "amount": str(movement.amount if movement else amount)}


@transaction.atomic
def fund_allocate(*, actor, dealer, amount, reason: str, now=None) -> Movement:
    """Staff add funds to a dealer's fund, with a reason (never expires)."""
    actor = actor_from(actor)
    if not (actor.manufacturer and actor.in_group("channel_manager", "finance", "executive")):
        raise PermissionDenied(_("Only staff allocate marketing funds."))
    amount = parse_money(amount, "amount")
    reason = (reason or "").strip()
    if not reason:
        raise error("reason", _("Give a reason."), "required")
    now = now or timezone.now()
    fund = fund_locked(dealer)
    return append(
        fund,
        kind=K.ALLOCATION,
        amount=amount,
        available_delta=amount,
        reserved_delta=calc.ZERO,
        source_key=f"allocation:{uuid.uuid4().hex}",
        created_by=actor.label,
        now=now,
        reason=reason[:500],
    )


# --- expiry -------------------------------------------------------------------------------


def expiry_due_quarters(dealer_id: int, today: dt.date) -> list[str]:
    """Accrual quarters of a dealer past their last usable day without an expiry yet."""
    expired = set(
        Movement.objects.filter(dealer_id=dealer_id, kind=K.EXPIRY).values_list(
            "quarter", flat=True
        )
    )
    quarters = Movement.objects.filter(
        dealer_id=dealer_id, kind=K.ACCRUAL, expires_on__lt=today
    ).values_list("quarter", flat=True)
    return sorted(set(quarters) - expired)


def _ledger_entries(fund: Fund) -> list[calc.LedgerEntry]:
    """The fund's movements in the order they were appended, as the expiry reads them (one
    query)."""
    rows = Movement.objects.filter(fund=fund).order_by("pk")  # append order
    return [
        calc.LedgerEntry(
            kind=row.kind,
            available_delta=row.available_delta,
            day=manufacturer_date(row.created_at),
            quarter=row.quarter,
            expires_on=row.expires_on,
            request_id=row.request_id,
        )
        for row in rows
    ]


@transaction.atomic
def fund_expire(*, dealer, today: dt.date, dry_run: bool = False) -> Decimal:
    """Expire the unused part of every accrual past its last usable day (§14), once per
    accrual. Spending is counted, at its moment, against the soonest-expiring accruals it
    could use (``calculations.unused_accruals``). Returns the amount expired (or that would
    be)."""
    total = calc.ZERO
    fund = fund_locked(dealer) if not dry_run else Fund.objects.filter(dealer=dealer).first()
    if fund is None:
        return total
    unused = calc.unused_accruals(_ledger_entries(fund))
    for quarter in expiry_due_quarters(dealer.pk, today):
        ends = calc.accrual_expires_on(quarter)
        amount = max(
            calc.ZERO,
            min(unused.get(quarter, calc.ZERO), fund.available - (total if dry_run else calc.ZERO)),
        )
        if amount <= 0:
            continue
        total += amount
        if not dry_run:
            append(
                fund,
                kind=K.EXPIRY,
                amount=amount,
                available_delta=-amount,
                reserved_delta=calc.ZERO,
                source_key=f"expiry:{dealer.pk}:{quarter}",
                created_by="system",
                quarter=quarter,
                derivation={"usable_through": ends.isoformat()},
            )
    return total
