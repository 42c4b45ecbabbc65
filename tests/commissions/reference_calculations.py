"""The month's components as ``commissions.calculations`` computed them before issue 13 B3
(main at e4263d7), frozen: the oracle of the reference statement run and of
``test_calculations_fast_path`` (the arithmetic's fast path must build the same
components, derivations in the same order). Not a test module."""

from __future__ import annotations

from decimal import Decimal

from commissions.calculations import (
    BASE,
    DEAL,
    LATE,
    MARGINAL,
    STEP,
    TIER,
    WHOLE,
    ZERO,
    Component,
    DealSales,
    MonthResult,
    PlanTerms,
    Step,
    money,
)
from commissions.calculations import NO_DEALS as NO_DEALS


def _s(value: Decimal | None) -> str | None:
    """Decimal → string for derivation records (normalised, no exponent)."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")


def base_component(net_sales: Decimal, base_rate: Decimal) -> Component:
    exact = net_sales * base_rate
    return Component(
        BASE,
        money(exact),
        {
            "formula": "net_sales × base_rate",
            "net_sales": _s(net_sales),
            "base_rate": _s(base_rate),
            "exact": _s(exact),
        },
    )


def step_reached(net_sales: Decimal, steps: tuple[Step, ...]) -> Step | None:
    """The highest step whose threshold is reached (net ≥ threshold), or None."""
    reached = None
    for step in sorted(steps, key=lambda s: s.threshold):
        if net_sales >= step.threshold:
            reached = step
    return reached


def step_component(net_sales: Decimal, steps: tuple[Step, ...], mode: str) -> Component:
    """Step bonus. ``whole``: the highest reached rate × the whole month's net sales;
    ``marginal``: each rate × the part of net sales between its threshold and the next.
    0 when net sales are below the first threshold (also for negative months)."""
    ordered = sorted(steps, key=lambda s: s.threshold)
    thresholds = [{"threshold": _s(s.threshold), "rate": _s(s.rate)} for s in ordered]
    reached = step_reached(net_sales, tuple(ordered))
    derivation: dict = {
        "mode": mode,
        "net_sales": _s(net_sales),
        "steps": thresholds,
        "reached": None
        if reached is None
        else {"threshold": _s(reached.threshold), "rate": _s(reached.rate)},
    }
    if reached is None:
        derivation.update(formula="no step reached", exact="0")
        return Component(STEP, money(ZERO), derivation)
    if mode == WHOLE:
        exact = net_sales * reached.rate
        derivation.update(formula="net_sales × rate of the highest step reached", exact=_s(exact))
        return Component(STEP, money(exact), derivation)
    if mode != MARGINAL:
        raise ValueError(f"unknown step mode {mode!r}")
    brackets = []
    exact = ZERO
    for i, step in enumerate(ordered):
        if net_sales < step.threshold:
            break
        upper = ordered[i + 1].threshold if i + 1 < len(ordered) else None
        top = net_sales if upper is None else min(net_sales, upper)
        portion = top - step.threshold
        part = portion * step.rate
        exact += part
        brackets.append(
            {
                "from": _s(step.threshold),
                "to": _s(upper),
                "portion": _s(portion),
                "rate": _s(step.rate),
                "exact": _s(part),
            }
        )
    derivation.update(
        formula="Σ rate × (part of net sales between the threshold and the next)",
        brackets=brackets,
        exact=_s(exact),
    )
    return Component(STEP, money(exact), derivation)


def tier_component(net_sales: Decimal, tier_rate: Decimal, tier_code: str = "") -> Component:
    exact = net_sales * tier_rate
    return Component(
        TIER,
        money(exact),
        {
            "formula": "net_sales × tier rate",
            "net_sales": _s(net_sales),
            "tier": tier_code,
            "tier_rate": _s(tier_rate),
            "exact": _s(exact),
        },
    )


def deal_component(deals: DealSales, rate: Decimal) -> Component:
    """Σ amounts of the lines naming a protected deal × the plan's ``deal_bonus_rate``,
    rounded on its own; the derivation lists the deals."""
    total = deals.total
    exact = total * rate
    return Component(
        DEAL,
        money(exact),
        {
            "formula": "Σ amounts of the lines of protected deals × deal_bonus_rate",
            "deals": [{"deal": number, "amount": _s(amount)} for number, amount in deals.by_deal],
            "deal_sales": _s(total),
            "deal_bonus_rate": _s(rate),
            "exact": _s(exact),
        },
    )


def month_commission(
    net_sales: Decimal, terms: PlanTerms, deals: DealSales = NO_DEALS
) -> MonthResult:
    """The computed components of a month (base, step, tier; and ``deal`` when lines name
    protected deals) for ``net_sales``."""
    net_sales = Decimal(net_sales)
    steps = terms.sorted_steps()
    components = [
        base_component(net_sales, terms.base_rate),
        step_component(net_sales, steps, terms.step_mode),
        tier_component(net_sales, terms.tier_rate, terms.tier_code),
    ]
    if deals.by_deal:
        components.append(deal_component(deals, terms.deal_bonus_rate))
    return MonthResult(net_sales, tuple(components))


def late_component(amount: Decimal, base_rate: Decimal, **reference) -> Component:
    """A line reported for a month whose statement is already approved: amount × base_rate."""
    exact = Decimal(amount) * base_rate
    return Component(
        LATE,
        money(exact),
        {
            "formula": "line amount × base_rate",
            "amount": _s(amount),
            "base_rate": _s(base_rate),
            "exact": _s(exact),
            **reference,
        },
    )
