"""Quarterly-review arithmetic (DOMAIN.md §8): pure functions, Decimal in and out, no ORM.
Quarters are ``portal.periods.Quarter``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

RATIO = Decimal("0.0001")
SCORE = Decimal("0.01")
HUNDRED = Decimal("100")


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


def review_score(review, weights) -> Decimal | None:
    """The overall score of a review (its components' weighted mean) with ``weights`` (a
    ``ReviewWeights``)."""
    return overall_score(
        score_components(
            attainment=review.attainment,
            sla_compliance=review.sla_compliance,
            stock_freshness=review.stock_freshness,
            satisfaction=review.satisfaction_score,
            communication=review.communication_score,
        ),
        weights.as_dict(),
    )
