"""The arithmetic of marketing funds (DOMAIN.md §14), free of the database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
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


@dataclass(frozen=True)
class LedgerEntry:
    """One movement as the expiry needs it, in ledger order."""

    kind: str
    available_delta: Decimal
    day: dt.date  # the manufacturer's date it was recorded
    quarter: str = ""
    expires_on: dt.date | None = None
    request_id: int | None = None


def unused_accruals(entries: list[LedgerEntry]) -> dict[str, Decimal]:
    """What is left unused of each quarter's accrual after the ledger ``entries`` (in
    order), by quarter. Spending (a reservation) draws, at its moment, on what exists then:
    the soonest-expiring accruals still usable that day first, then allocations (which never
    expire); a release gives back to what its request drew on, latest drawn first; an expiry
    removes what it expired. So spending made before an accrual was earned, from
    allocations, does not count as using it (§14: *unused* accruals expire)."""
    lots: list[list] = []  # [quarter or "" for an allocation, expires_on or None, remaining]
    drawn: dict[int | None, list[list]] = defaultdict(list)  # request → [[lot, amount]]
    for entry in entries:
        if entry.kind in ("accrual", "allocation"):
            is_accrual = entry.kind == "accrual"
            lots.append(
                [
                    entry.quarter if is_accrual else "",
                    entry.expires_on if is_accrual else None,
                    entry.available_delta,
                ]
            )
        elif entry.kind == "reservation":
            need = -entry.available_delta

            def rank(index, day=entry.day):
                _quarter, ends, _left = lots[index]
                if ends is None:
                    return (1, dt.date.max, index)
                return (0 if ends >= day else 2, ends, index)

            for index in sorted(range(len(lots)), key=rank):
                if need <= 0:
                    break
                take = min(need, lots[index][2])
                if take > 0:
                    lots[index][2] -= take
                    need -= take
                    drawn[entry.request_id].append([index, take])
        elif entry.kind == "release":
            back = entry.available_delta
            for part in reversed(drawn[entry.request_id]):
                if back <= 0:
                    break
                give = min(back, part[1])
                lots[part[0]][2] += give
                part[1] -= give
                back -= give
            if back > 0:
                lots.append(["", None, back])
        elif entry.kind == "expiry":
            gone = -entry.available_delta
            for lot in lots:
                if lot[0] == entry.quarter and gone > 0:
                    take = min(gone, lot[2])
                    lot[2] -= take
                    gone -= take
    unused: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for quarter, _ends, left in lots:
        if quarter:
            unused[quarter] += left
    return dict(unused)
