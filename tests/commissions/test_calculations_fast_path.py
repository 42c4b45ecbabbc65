"""The month's arithmetic renders what a plan's terms repeat for every dealer (rates,
thresholds) once per terms (issue 13 B3): it must build exactly the components it built
before — amounts, and derivations with the same keys, strings and order — which are frozen
in ``reference_calculations.py``."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commissions import calculations as calc
from tests.commissions import reference_calculations as before

money = st.decimals(min_value=-3_000_000, max_value=3_000_000, places=2)
rates = st.decimals(min_value=0, max_value=1, places=4)
thresholds = st.decimals(min_value=D("0.01"), max_value=1_000_000, places=2)
steps = st.lists(st.builds(calc.Step, thresholds, rates), max_size=4)
deals = st.builds(
    calc.DealSales,
    st.lists(st.tuples(st.text(min_size=1, max_size=12), money), max_size=3).map(tuple),
)


@st.composite
def terms(draw):
    return calc.PlanTerms(
        base_rate=draw(rates),
        step_mode=draw(st.sampled_from([calc.WHOLE, calc.MARGINAL])),
        steps=tuple(draw(steps)),
        tier_rate=draw(rates),
        tier_code=draw(st.sampled_from(["", "senior", "专家级"])),
        plan_code="P",
        deal_bonus_rate=draw(rates),
    )


@st.composite
def net_sales(draw, plan):
    """Any amount, or one on a threshold, or a zero of either sign."""
    on_threshold = [s.threshold for s in plan.steps]
    return draw(st.one_of(money, st.sampled_from([D("0.00"), D("-0.00"), *on_threshold])))


def _same(new, old):
    assert repr(new) == repr(old)  # amounts to the exponent, derivations in order


@settings(max_examples=400, deadline=None)
@given(data=st.data(), plan=terms(), month_deals=deals)
def test_month_commission_builds_what_it_built_before(data, plan, month_deals):
    net = data.draw(net_sales(plan))
    _same(
        calc.month_commission(net, plan, month_deals),
        before.month_commission(net, plan, month_deals),
    )
    # the same terms again: what they rendered once is reused
    _same(calc.month_commission(net, plan), before.month_commission(net, plan))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), plan=terms())
def test_each_component_builds_what_it_built_before(data, plan):
    net = data.draw(net_sales(plan))
    ordered = plan.sorted_steps()
    _same(calc.base_component(net, plan.base_rate), before.base_component(net, plan.base_rate))
    _same(
        calc.step_component(net, plan.steps, plan.step_mode),
        before.step_component(net, plan.steps, plan.step_mode),
    )
    _same(calc.step_component(net, ordered, "whole"), before.step_component(net, ordered, "whole"))
    _same(
        calc.tier_component(net, plan.tier_rate, plan.tier_code),
        before.tier_component(net, plan.tier_rate, plan.tier_code),
    )
    _same(
        calc.late_component(net, plan.base_rate, sale_line="L1"),
        before.late_component(net, plan.base_rate, sale_line="L1"),
    )


def test_an_unknown_step_mode_is_refused_as_before():
    plan = calc.PlanTerms(
        base_rate=D("0.6"), step_mode="odd", steps=(calc.Step(D("10"), D("0.01")),)
    )
    for arithmetic in (calc, before):
        with pytest.raises(ValueError, match="unknown step mode 'odd'"):
            arithmetic.month_commission(D("20"), plan)
    _same(calc.month_commission(D("5"), plan), before.month_commission(D("5"), plan))
