"""§13 arithmetic without a database."""

import datetime as dt
from decimal import Decimal as D

from pricing import calculations as calc

UTC = dt.UTC


def _g(pk, region, day, list_price="1000.00", floor="900.00"):
    return calc.GuideRow(
        pk, 1, region, dt.datetime(2026, 11, day, tzinfo=UTC), D(list_price), D(floor)
    )


def test_the_three_breach_examples():
    floor = calc.effective_floor(list_price=D("1000.00"), floor_price=D("900.00"), discount=None)
    assert calc.is_breach(unit=calc.unit_price(amount=D("1700.00"), quantity=D("2")), floor=floor)
    promoted = calc.effective_floor(
        list_price=D("1000.00"), floor_price=D("900.00"), discount=D("0.15")
    )
    assert promoted == D("850.00")
    assert not calc.is_breach(unit=D("850.00"), floor=promoted)
    assert not calc.is_breach(unit=D("1792.00") / 2, floor=floor)


def test_tolerance_edge_is_not_a_breach_and_a_cent_below_is():
    assert not calc.is_breach(unit=D("895.50"), floor=D("900.00"))
    assert calc.is_breach(unit=D("895.49"), floor=D("900.00"))


def test_a_small_promotion_never_raises_the_floor():
    assert calc.effective_floor(
        list_price=D("1000.00"), floor_price=D("900.00"), discount=D("0.05")
    ) == D("900.00")


def test_most_specific_region_wins_over_a_later_guide_of_a_wider_region():
    guides = [_g(1, None, 1), _g(2, "CN-GD", 2), _g(3, "CN", 20)]
    at = dt.datetime(2026, 11, 25, tzinfo=UTC)
    assert calc.resolve_guide(guides, region_code="CN-GD-SZ", at=at).id == 2
    assert calc.resolve_guide(guides, region_code="CN-BJ", at=at).id == 3
    assert calc.resolve_guide(guides, region_code="US", at=at).id == 1


def test_latest_effective_guide_not_after_the_instant():
    guides = [_g(1, "CN-GD", 1), _g(2, "CN-GD", 10), _g(3, "CN-GD", 20)]
    at = dt.datetime(2026, 11, 15, tzinfo=UTC)
    assert calc.resolve_guide(guides, region_code="CN-GD-SZ", at=at).id == 2
    instant = dt.datetime(2026, 11, 10, tzinfo=UTC)
    assert calc.resolve_guide(guides, region_code="CN-GD", at=instant).id == 2
    before = calc.resolve_guide(guides, region_code="CN-GD", at=instant, strictly_before=True)
    assert before.id == 1
    assert calc.resolve_guide(guides, region_code="CN-GD", at=instant - dt.timedelta(days=20)) is None


def test_protection_credit():
    assert calc.protection_credit(
        old_list=D("1000.00"), new_list=D("950.00"), units=D("40")
    ) == D("2000.00")
    assert calc.protection_credit(old_list=D("950.00"), new_list=D("1000.00"), units=D("40")) == 0
