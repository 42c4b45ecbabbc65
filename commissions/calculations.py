"""Commission arithmetic (DOMAIN.md §6.2–6.5): pure functions, Decimal in and out, no ORM.

Statements, the what-if panel and threshold bonuses all call these, so a dealer sees the
same figures wherever they look. Every component is rounded half-up to 0.01 **on its own**
(named point: :func:`money`); a total is the sum of rounded components. Each component
carries a ``derivation`` (JSON-ready: decimals as strings) that says which inputs, thresholds
and rates produced it: the dealer's "how we computed this".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import NamedTuple

CENT = Decimal("0.01")
ZERO = Decimal("0")

WHOLE = "whole"
MARGINAL = "marginal"

# Component kinds (the same strings as StatementComponent.Kind)
BASE = "base"
STEP = "step"
TIER = "tier"
LATE = "late"
QUARTER_BONUS = "quarter_bonus"
ANNUAL_BONUS = "annual_bonus"
DEAL = "deal"


def money(value: Decimal) -> Decimal:
    """The one rounding point for money: half-up to 0.01."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _s(value: Decimal | None) -> str | None:
    """Decimal → string for derivation records (normalised, no exponent)."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class Step:
    threshold: Decimal
    rate: Decimal


@dataclass(frozen=True)
class PlanTerms:
    """What the arithmetic needs of a plan for one month (a snapshot, not the model)."""

    base_rate: Decimal
    step_mode: str = WHOLE
    steps: tuple[Step, ...] = ()
    tier_rate: Decimal = ZERO
    tier_code: str = ""
    plan_code: str = ""
    deal_bonus_rate: Decimal = ZERO

    def sorted_steps(self) -> tuple[Step, ...]:
        return tuple(sorted(self.steps, key=lambda s: s.threshold))

    @cached_property
    def _rendered(self) -> _Rendered:
        """What every month of these terms repeats in its derivations, rendered once (a
        statement run shares one PlanTerms among the dealers of a plan and tier)."""
        ordered = self.sorted_steps()
        return _Rendered(
            ordered,
            _steps_rendered(ordered),
            _s(self.base_rate),
            _s(self.tier_rate),
        )


class _Rendered(NamedTuple):
    steps: tuple[Step, ...]  # sorted by threshold
    thresholds: tuple[tuple[str, str], ...]  # each step's threshold and rate as strings
    base_rate: str
    tier_rate: str


def _steps_rendered(ordered) -> tuple[tuple[str, str], ...]:
    return tuple((_s(step.threshold), _s(step.rate)) for step in ordered)


@dataclass(frozen=True)
class Component:
    kind: str
    amount: Decimal
    derivation: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DealSales:
    """The month's lines that name a protected deal (DOMAIN.md §12): each deal's Σ amount."""

    by_deal: tuple[tuple[str, Decimal], ...] = ()

    @property
    def total(self) -> Decimal:
        return sum((amount for _number, amount in self.by_deal), ZERO)


NO_DEALS = DealSales()


@dataclass(frozen=True)
class MonthResult:
    net_sales: Decimal
    components: tuple[Component, ...]

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.components), ZERO).quantize(CENT)

    def amount(self, kind: str) -> Decimal:
        return sum((c.amount for c in self.components if c.kind == kind), ZERO).quantize(CENT)


# --- the month's components ----------------------------------------------------------------


def base_component(net_sales: Decimal, base_rate: Decimal) -> Component:
    return _base(net_sales, _s(net_sales), base_rate, _s(base_rate))


def _base(net_sales, net_text, base_rate, rate_text) -> Component:
    exact = net_sales * base_rate
    return Component(
        BASE,
        money(exact),
        {
            "formula": "net_sales × base_rate",
            "net_sales": net_text,
            "base_rate": rate_text,
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


def next_step(net_sales: Decimal, steps: tuple[Step, ...]) -> Step | None:
    """The lowest step not yet reached, or None when every step is reached."""
    for step in sorted(steps, key=lambda s: s.threshold):
        if net_sales < step.threshold:
            return step
    return None


def step_component(net_sales: Decimal, steps: tuple[Step, ...], mode: str) -> Component:
    """Step bonus. ``whole``: the highest reached rate × the whole month's net sales;
    ``marginal``: each rate × the part of net sales between its threshold and the next.
    0 when net sales are below the first threshold (also for negative months)."""
    ordered = tuple(sorted(steps, key=lambda s: s.threshold))
    return _step(net_sales, _s(net_sales), ordered, _steps_rendered(ordered), mode)


def _step(net_sales, net_text, ordered, rendered, mode: str) -> Component:
    """:func:`step_component` of sorted steps, with the net sales, thresholds and rates
    already rendered."""
    thresholds = [{"threshold": t, "rate": r} for t, r in rendered]
    reached = None
    for i, step in enumerate(ordered):  # as step_reached: the highest threshold reached
        if net_sales >= step.threshold:
            reached = i
    derivation: dict = {
        "mode": mode,
        "net_sales": net_text,
        "steps": thresholds,
        "reached": None
        if reached is None
        else {"threshold": rendered[reached][0], "rate": rendered[reached][1]},
    }
    if reached is None:
        derivation.update(formula="no step reached", exact="0")
        return Component(STEP, money(ZERO), derivation)
    if mode == WHOLE:
        exact = net_sales * ordered[reached].rate
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
                "from": rendered[i][0],
                "to": rendered[i + 1][0] if upper is not None else None,
                "portion": _s(portion),
                "rate": rendered[i][1],
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
    return _tier(net_sales, _s(net_sales), tier_rate, _s(tier_rate), tier_code)


def _tier(net_sales, net_text, tier_rate, rate_text, tier_code) -> Component:
    exact = net_sales * tier_rate
    return Component(
        TIER,
        money(exact),
        {
            "formula": "net_sales × tier rate",
            "net_sales": net_text,
            "tier": tier_code,
            "tier_rate": rate_text,
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
    protected deals) for ``net_sales``. What the terms repeat (rates, thresholds) is
    rendered once per terms; the net sales once per month."""
    net_sales = Decimal(net_sales)
    rendered = terms._rendered
    net_text = _s(net_sales)
    components = [
        _base(net_sales, net_text, terms.base_rate, rendered.base_rate),
        _step(net_sales, net_text, rendered.steps, rendered.thresholds, terms.step_mode),
        _tier(net_sales, net_text, terms.tier_rate, rendered.tier_rate, terms.tier_code),
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


# --- what-if (§6.5) ------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatIf:
    net_sales: Decimal
    current: MonthResult
    step_reached: Step | None
    next_step: Step | None
    amount_to_next: Decimal | None
    at_next: MonthResult | None

    @property
    def would_add(self) -> Decimal | None:
        """Extra commission if exactly the missing amount is sold (all components)."""
        if self.at_next is None:
            return None
        return self.at_next.total - self.current.total

    @property
    def deal_bonus(self) -> Decimal:
        """The deal bonus so far (lines of protected deals, DOMAIN.md §12)."""
        return self.current.amount(DEAL)

    @property
    def step_would_add(self) -> Decimal | None:
        if self.at_next is None:
            return None
        return self.at_next.amount(STEP) - self.current.amount(STEP)


@dataclass(frozen=True)
class TriedAmount:
    """What selling ``amount`` more this month would do: the month's net sales and
    commission after it, the step then reached, and the commission it adds."""

    amount: Decimal
    net_sales: Decimal
    after: MonthResult
    step_reached: Step | None
    adds: Decimal


def what_if_amount(
    net_sales: Decimal, amount: Decimal, terms: PlanTerms, deals: DealSales = NO_DEALS
) -> TriedAmount:
    """The what-if panel's "try an amount": the same month arithmetic as statements (the
    deal bonus of the month's protected deals stays what it is)."""
    net_sales, amount = Decimal(net_sales), Decimal(amount)
    before = month_commission(net_sales, terms, deals)
    after = month_commission(net_sales + amount, terms, deals)
    return TriedAmount(
        amount,
        net_sales + amount,
        after,
        step_reached(net_sales + amount, terms.sorted_steps()),
        after.total - before.total,
    )


def what_if(net_sales: Decimal, terms: PlanTerms, deals: DealSales = NO_DEALS) -> WhatIf:
    """Where the month stands (the deal bonus of the lines of protected deals included),
    and what selling up to the next threshold would add (without a deal: the bonus of the
    deals stays what it is)."""
    net_sales = Decimal(net_sales)
    steps = terms.sorted_steps()
    current = month_commission(net_sales, terms, deals)
    upcoming = next_step(net_sales, steps)
    if upcoming is None:
        return WhatIf(net_sales, current, step_reached(net_sales, steps), None, None, None)
    return WhatIf(
        net_sales,
        current,
        step_reached(net_sales, steps),
        upcoming,
        upcoming.threshold - net_sales,
        month_commission(upcoming.threshold, terms, deals),
    )


# --- threshold bonuses (§6.2, §6.4) --------------------------------------------------------


def quarter_bonus(
    *,
    quarter_net_sales: Decimal,
    target: Decimal,
    rate: Decimal,
    monthly_base: list[tuple[str, Decimal]],
    period: str,
) -> Component | None:
    """rate × Σ base commission of the quarter's months, when net sales ≥ the target.

    ``monthly_base``: [(\"2026-10\", 192000.00), ...] — each month's rounded base component.
    No target (≤ 0) or no rate: no bonus."""
    if target <= 0 or rate <= 0 or quarter_net_sales < target:
        return None
    base_sum = sum((amount for _, amount in monthly_base), ZERO)
    exact = rate * base_sum
    return Component(
        QUARTER_BONUS,
        money(exact),
        {
            "formula": "quarter_bonus_rate × Σ base commission of the quarter",
            "period": period,
            "net_sales": _s(quarter_net_sales),
            "target": _s(target),
            "rate": _s(rate),
            "base_by_month": {month: _s(amount) for month, amount in monthly_base},
            "base_sum": _s(base_sum),
            "exact": _s(exact),
        },
    )


def annual_bonus(
    *,
    year_net_sales: Decimal,
    target: Decimal,
    months: Decimal,
    monthly_base: list[tuple[str, Decimal]],
    period: str,
) -> Component | None:
    """(Σ base commission of the year ÷ 12) × annual_bonus_months, when net ≥ the target."""
    if target <= 0 or months <= 0 or year_net_sales < target:
        return None
    base_sum = sum((amount for _, amount in monthly_base), ZERO)
    exact = base_sum / Decimal(12) * months
    return Component(
        ANNUAL_BONUS,
        money(exact),
        {
            "formula": "(Σ base commission of the year ÷ 12) × annual_bonus_months",
            "period": period,
            "net_sales": _s(year_net_sales),
            "target": _s(target),
            "months": _s(months),
            "base_by_month": {month: _s(amount) for month, amount in monthly_base},
            "base_sum": _s(base_sum),
            "exact": _s(exact),
        },
    )
