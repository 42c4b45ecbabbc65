"""The commission arithmetic, without a database (DOMAIN.md §6.2–6.5)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commissions import calculations as calc
from commissions.calculations import PlanTerms, Step
from portal.periods import Month

STEPS = (Step(D("100000"), D("0.02")), Step(D("300000"), D("0.035")), Step(D("500000"), D("0.05")))


def plan_p(mode, tier_rate=D("0.005")):
    return PlanTerms(
        base_rate=D("0.60"), step_mode=mode, steps=STEPS, tier_rate=tier_rate, tier_code="senior"
    )


@pytest.mark.parametrize(
    "mode,step,total",
    [("whole", D("11200.00"), D("204800.00")), ("marginal", D("4700.00"), D("198300.00"))],
)
def test_worked_example_of_domain_6_4(mode, step, total):
    result = calc.month_commission(D("320000.00"), plan_p(mode))
    assert [(c.kind, c.amount) for c in result.components] == [
        ("base", D("192000.00")),
        ("step", step),
        ("tier", D("1600.00")),
    ]
    assert result.total == total


def test_whole_derivation_names_the_step_reached():
    step = calc.month_commission(D("320000.00"), plan_p("whole")).components[1]
    assert step.derivation["reached"] == {"threshold": "300000", "rate": "0.035"}
    assert step.derivation["mode"] == "whole"
    assert step.derivation["exact"] == "11200"


def test_marginal_derivation_lists_each_bracket():
    step = calc.month_commission(D("320000.00"), plan_p("marginal")).components[1]
    assert step.derivation["brackets"] == [
        {"from": "100000", "to": "300000", "portion": "200000", "rate": "0.02", "exact": "4000"},
        {"from": "300000", "to": "500000", "portion": "20000", "rate": "0.035", "exact": "700"},
    ]


@pytest.mark.parametrize("mode", ["whole", "marginal"])
def test_exactly_the_threshold_reaches_the_step(mode):
    at = calc.month_commission(D("100000.00"), plan_p(mode))
    below = calc.month_commission(D("99999.99"), plan_p(mode))
    assert at.components[1].derivation["reached"]["threshold"] == "100000"
    assert below.components[1].derivation["reached"] is None
    assert below.amount("step") == D("0.00")
    # whole: 2 % of the whole month; marginal: 2 % of nothing above the threshold
    assert at.amount("step") == (D("2000.00") if mode == "whole" else D("0.00"))


@pytest.mark.parametrize("mode", ["whole", "marginal"])
def test_negative_month(mode):
    result = calc.month_commission(D("-12345.67"), plan_p(mode))
    assert result.amount("base") == D("-7407.40")  # -7407.402 → -7407.40
    assert result.amount("step") == D("0.00")
    assert result.amount("tier") == D("-61.73")  # -61.72835 → -61.73 (half-up away from 0)
    assert result.total == D("-7469.13")


def test_each_component_is_rounded_on_its_own():
    # 0.005 × 0.60 = 0.003 → 0.00; 0.005 × 0.005 = 0.000025 → 0.00
    terms = PlanTerms(base_rate=D("0.6"), tier_rate=D("0.5"))
    result = calc.month_commission(D("0.01"), terms)
    assert [c.amount for c in result.components] == [D("0.01"), D("0.00"), D("0.01")]
    # 0.006 + 0.005 = 0.011 would round to 0.01 once; rounded separately it is 0.02
    assert result.total == D("0.02")


def test_half_up_rounding():
    assert calc.money(D("0.005")) == D("0.01")
    assert calc.money(D("-0.005")) == D("-0.01")
    assert calc.money(D("2.675")) == D("2.68")


def test_what_if_next_step():
    w = calc.what_if(D("250000.00"), plan_p("whole"))
    assert w.step_reached == STEPS[0]
    assert w.next_step == STEPS[1]
    assert w.amount_to_next == D("50000.00")
    # now: 150,000 + 5,000 + 1,250 = 156,250; at 300,000: 180,000 + 10,500 + 1,500 = 192,000
    assert w.current.total == D("156250.00")
    assert w.at_next.total == D("192000.00")
    assert w.would_add == D("35750.00")
    assert w.step_would_add == D("5500.00")


def test_what_if_when_every_step_is_reached():
    w = calc.what_if(D("600000"), plan_p("marginal"))
    assert w.next_step is None and w.amount_to_next is None and w.would_add is None


def test_what_if_below_the_first_step():
    w = calc.what_if(D("-10"), plan_p("marginal"))
    assert w.step_reached is None
    assert w.amount_to_next == D("100010")


def test_quarter_bonus_of_domain_6_4():
    bonus = calc.quarter_bonus(
        quarter_net_sales=D("870000.00"),
        target=D("800000.00"),
        rate=D("0.10"),
        monthly_base=[
            ("2026-10", D("192000.00")),
            ("2026-11", D("180000.00")),
            ("2026-12", D("150000.00")),
        ],
        period="2026Q4",
    )
    assert bonus.kind == "quarter_bonus"
    assert bonus.amount == D("52200.00")
    assert bonus.derivation["base_sum"] == "522000"


def test_quarter_bonus_needs_the_target():
    args = {"target": D("800000"), "rate": D("0.1"), "monthly_base": [], "period": "2026Q4"}
    assert calc.quarter_bonus(quarter_net_sales=D("799999.99"), **args) is None
    assert calc.quarter_bonus(quarter_net_sales=D("800000.00"), **args) is not None
    assert (
        calc.quarter_bonus(
            quarter_net_sales=D("1"), target=D("0"), rate=D("0.1"), monthly_base=[], period="x"
        )
        is None
    )


def test_annual_bonus():
    bonus = calc.annual_bonus(
        year_net_sales=D("3100000"),
        target=D("3000000"),
        months=D("3"),
        monthly_base=[(f"2026-{m:02d}", D("100000.01")) for m in range(1, 13)],
        period="2026",
    )
    # 1,200,000.12 ÷ 12 × 3 = 300,000.03
    assert bonus.amount == D("300000.03")
    assert (
        calc.annual_bonus(
            year_net_sales=D("1"),
            target=D("3000000"),
            months=D("3"),
            monthly_base=[],
            period="2026",
        )
        is None
    )


def test_month_bounds_in_the_manufacturers_zone():
    start, end = Month.of(dt.date(2026, 10, 1)).bounds("Asia/Shanghai")
    assert start.isoformat() == "2026-10-01T00:00:00+08:00"
    assert end.isoformat() == "2026-11-01T00:00:00+08:00"
    # 2026-09-30 16:30 UTC is already October in Shanghai
    moment = dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC)
    assert Month.of(moment, "Asia/Shanghai").first_day == dt.date(2026, 10, 1)
    assert Month.of(dt.date(2026, 12, 1)).add(1).first_day == dt.date(2027, 1, 1)
    assert Month.parse("2026-10").first_day == dt.date(2026, 10, 1)
    with pytest.raises(ValueError):
        Month.parse("2026-13")


# --- properties ----------------------------------------------------------------------------

money_values = st.decimals(
    min_value=D("-2000000"), max_value=D("2000000"), places=2, allow_nan=False
)
rates = st.decimals(min_value=D("0"), max_value=D("1"), places=4, allow_nan=False)


@st.composite
def plans(draw):
    thresholds = sorted(
        draw(
            st.lists(
                st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2),
                max_size=5,
                unique=True,
            )
        )
    )
    step_rates = sorted(draw(st.lists(rates, min_size=len(thresholds), max_size=len(thresholds))))
    steps = tuple(Step(t, r) for t, r in zip(thresholds, step_rates, strict=True))
    return steps, draw(rates), draw(rates)


@settings(max_examples=300, deadline=None)
@given(net=money_values.filter(lambda v: v >= 0), plan=plans())
def test_marginal_never_exceeds_whole(net, plan):
    steps, base, tier = plan
    whole = calc.month_commission(net, PlanTerms(base, "whole", steps, tier))
    marginal = calc.month_commission(net, PlanTerms(base, "marginal", steps, tier))
    assert marginal.amount("step") <= whole.amount("step")
    assert marginal.total <= whole.total


@settings(max_examples=300, deadline=None)
@given(net=money_values, plan=plans(), mode=st.sampled_from(["whole", "marginal"]))
def test_total_is_the_sum_of_rounded_components(net, plan, mode):
    steps, base, tier = plan
    result = calc.month_commission(net, PlanTerms(base, mode, steps, tier))
    for component in result.components:
        assert component.amount == component.amount.quantize(D("0.01"))
        assert abs(D(component.derivation["exact"]) - component.amount) <= D("0.005")
    assert result.total == sum(c.amount for c in result.components)


@settings(max_examples=300, deadline=None)
@given(a=money_values, b=money_values, plan=plans(), mode=st.sampled_from(["whole", "marginal"]))
def test_more_sales_never_earn_less(a, b, plan, mode):
    steps, base, tier = plan
    low, high = sorted([a, b])
    terms = PlanTerms(base, mode, steps, tier)
    assert calc.month_commission(low, terms).total <= calc.month_commission(high, terms).total


@settings(max_examples=200, deadline=None)
@given(net=money_values, plan=plans(), mode=st.sampled_from(["whole", "marginal"]))
def test_what_if_is_consistent_with_the_statement_arithmetic(net, plan, mode):
    steps, base, tier = plan
    terms = PlanTerms(base, mode, steps, tier)
    w = calc.what_if(net, terms)
    assert w.current == calc.month_commission(net, terms)
    if w.next_step is not None:
        assert w.amount_to_next > 0
        assert net + w.amount_to_next == w.next_step.threshold
        assert w.would_add >= 0
