"""Quarterly-review arithmetic (DOMAIN.md §8): pure functions, Decimal in and out, no ORM."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

RATIO = Decimal("0.0001")
SCORE = Decimal("0.01")
HUNDRED = Decimal("100")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_parse(quarter: str) -> tuple[int, int]:
    """ "2026Q4" → (2026, 4); ValueError for anything else."""
    match = _QUARTER.match(quarter or "")
    if not match:
        raise ValueError(f"not a quarter: {quarter!r} (use the form 2026Q4)")
    return int(match.group(1)), int(match.group(2))


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def quarter_shift(quarter: str, by: int) -> str:
    year, q = quarter_parse(quarter)
    index = year * 4 + (q - 1) + by
    return quarter_label(index // 4, index % 4 + 1)


def quarter_first_day(quarter: str) -> dt.date:
    year, q = quarter_parse(quarter)
    return dt.date(year, 3 * (q - 1) + 1, 1)


def quarter_last_day(quarter: str) -> dt.date:
    return quarter_first_day(quarter_shift(quarter, 1)) - dt.timedelta(days=1)


def quarter_bounds(quarter: str, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the quarter as aware datetimes at midnight in ``tz``."""
    zone = ZoneInfo(tz)
    start = quarter_first_day(quarter)
    end = quarter_first_day(quarter_shift(quarter, 1))
    return (
        dt.datetime(start.year, start.month, start.day, tzinfo=zone),
        dt.datetime(end.year, end.month, end.day, tzinfo=zone),
    )


def quarter_of(day: dt.date) -> str:
    return quarter_label(day.year, (day.month - 1) // 3 + 1)


def ratio(numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    """numerator ÷ denominator to 4 places (half-up); None when the denominator is not > 0."""
    if denominator is None or denominator <= 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO, ROUND_HALF_UP)


def attainment(net_sales: Decimal, target: Decimal | None) -> Decimal | None:
    """Target attainment: net sales ÷ quarterly target (None without a positive target)."""
    return ratio(net_sales, target)


def growth(net_sales: Decimal, previous: Decimal) -> Decimal | None:
    """Growth on the previous quarter: (now − before) ÷ before; None when before ≤ 0."""
    if previous is None or previous <= 0:
        return None
    return ratio(Decimal(net_sales) - Decimal(previous), previous)


def score_components(
    *,
    attainment: Decimal | None,
    sla_compliance: Decimal | None,
    stock_freshness: Decimal | None,
    satisfaction: int | None,
    communication: int | None,
) -> dict[str, Decimal | None]:
    """Each component on a 0–100 scale: attainment capped at 100 %, shares × 100, and the
    1–5 staff scores × 20."""

    def share(value):
        return None if value is None else min(Decimal(value), Decimal(1)) * HUNDRED

    def five(value):
        return None if value is None else Decimal(value) * 20

    return {
        "attainment": share(attainment if attainment is None else max(attainment, Decimal(0))),
        "sla": share(sla_compliance),
        "stock_freshness": share(stock_freshness),
        "satisfaction": five(satisfaction),
        "communication": five(communication),
    }


def overall_score(
    components: dict[str, Decimal | None], weights: dict[str, Decimal]
) -> Decimal | None:
    """The weighted mean of the components that have a value (their weights renormalised),
    rounded half-up to 0.01; None when no weighted component has a value."""
    total_weight = Decimal(0)
    total = Decimal(0)
    for name, value in components.items():
        weight = Decimal(weights.get(name) or 0)
        if value is None or weight <= 0:
            continue
        total_weight += weight
        total += weight * value
    if total_weight == 0:
        return None
    return (total / total_weight).quantize(SCORE, ROUND_HALF_UP)
