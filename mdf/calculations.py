"""The arithmetic of marketing funds (DOMAIN.md §14), free of the database."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from portal.periods import Quarter

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: above this requested amount an executive approves too (after a channel manager)
TWO_STEP_ABOVE = Decimal("50000.00")
#: claims are accepted up to this many days after the activity ends; then it lapses
CLAIM_DAYS = 60
DEFAULT_SHARE = Decimal("0.5")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def accrual(net_sales: Decimal, rate: Decimal) -> Decimal:
    """rate × the quarter's net sales when positive, else nothing."""
    if net_sales <= 0 or rate <= 0:
        return ZERO
    return money(net_sales * rate)


def accrual_expires_on(quarter: str | Quarter) -> dt.date:
    """The last day an accrual earned in ``quarter`` is usable: the end of the second
    quarter after it (earned in Q1 → through 30 September)."""
    return (Quarter.parse(quarter) + 2).last_day


def requested_amount(planned: Decimal, share: Decimal) -> Decimal:
    return money(planned * share)


def needs_executive(amount: Decimal) -> bool:
    return amount > TWO_STEP_ABOVE


def claim_deadline(ends_on: dt.date) -> dt.date:
    return ends_on + dt.timedelta(days=CLAIM_DAYS)


def reimbursable(actual: Decimal, share: Decimal, approved: Decimal) -> Decimal:
    """min(actual × share, approved), half-up."""
    return min(money(actual * share), approved)


def expirable(
    *, expiring_credits: Decimal, expired: Decimal, used: Decimal, available: Decimal
) -> Decimal:
    """What expires now: the accruals that reached their end, less what already expired and
    less what was used (spending consumes the soonest-expiring accruals first), at most the
    available amount."""
    return max(ZERO, min(available, expiring_credits - expired - used))
