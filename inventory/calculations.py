"""Pure inventory arithmetic (DOMAIN.md §5.2–5.3): no ORM, Decimal and datetime in and out.

Used by the sync services, the upload preview, the regional view and the alert evaluation
alike, so that they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

APPLIED = "applied"
STALE = "stale"
UNCHANGED = "unchanged"

#: days over which the average daily net sales are taken
SALES_WINDOW_DAYS = 28

QUANTITY_PLACES = Decimal("0.001")
COVER_PLACES = Decimal("0.1")
RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class SetOutcome:
    outcome: str  # applied, stale or unchanged
    quantity: Decimal  # the level's quantity after the item
    delta: Decimal  # what the ledger records (0 unless applied)


def set_outcome(
    *,
    current_quantity: Decimal,
    current_as_of: datetime | None,
    quantity: Decimal,
    as_of: datetime,
) -> SetOutcome:
    """An absolute count against the stored level.

    Applied only when ``as_of`` is strictly later than the stored one (or nothing is
    stored); at the same instant it is ``unchanged`` if the quantity matches and ``stale``
    otherwise (the first write for an instant wins); earlier is ``stale``. Arrival order
    therefore does not matter.
    """
    if current_as_of is None or as_of > current_as_of:
        return SetOutcome(APPLIED, quantity, quantity - current_quantity)
    if as_of == current_as_of and quantity == current_quantity:
        return SetOutcome(UNCHANGED, current_quantity, Decimal("0"))
    return SetOutcome(STALE, current_quantity, Decimal("0"))


def average_daily_sales(net_quantity_sold: Decimal, days: int = SALES_WINDOW_DAYS) -> Decimal:
    """Average daily net sales (returns count negative), 4 places."""
    return (Decimal(net_quantity_sold) / days).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def days_of_cover(quantity: Decimal, avg_daily_sales: Decimal) -> Decimal | None:
    """Quantity ÷ average daily sales, one decimal; None when nothing sells (no demand)."""
    if avg_daily_sales <= 0:
        return None
    return (Decimal(quantity) / avg_daily_sales).quantize(COVER_PLACES, rounding=ROUND_HALF_UP)


def cover_status(
    *,
    quantity: Decimal,
    cover: Decimal | None,
    min_days: Decimal | None,
    max_days: Decimal | None,
) -> str:
    """``low``, ``over``, ``ok``, or ``no_rule`` when no reorder rule applies.

    Below ``min_days`` of cover is low, above ``max_days`` is over (the bounds themselves
    are in range). Stock that does not sell at all (no cover figure) is over when there is
    any; with nothing in stock and nothing selling there is nothing to reorder.
    """
    if min_days is None or max_days is None:
        return "no_rule"
    if cover is None:
        return "over" if quantity > 0 else "ok"
    if cover < min_days:
        return "low"
    if cover > max_days:
        return "over"
    return "ok"


def share(part: int, whole: int) -> Decimal | None:
    """part ÷ whole with 4 places, None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
