"""DOMAIN.md §16 arithmetic, without a database."""

from decimal import Decimal as D

from rotation.calculations import DealerPosition, match_greedily


def pos(dealer_id, stock, per_day):
    return DealerPosition(dealer_id=dealer_id, stock=D(stock), sold=D(per_day) * 28)


def test_the_worked_example_suggests_50_from_a_to_b():
    a, b = pos(1, 500, 10), pos(2, 20, 10)
    assert a.surplus(D("30")) == D("200")
    assert b.need(D("7")) == D("50")
    [match] = match_greedily([a, b], min_days_cover=D("7"), max_days_cover=D("30"))
    assert (match.source.dealer_id, match.destination.dealer_id, match.quantity) == (1, 2, D("50"))
    assert (match.source_surplus, match.destination_need) == (D("200"), D("50"))


def test_ceilings_round_the_days_of_cover_up():
    # 1 a day over 28 days → max 30 days = 30 exactly; 3/28 a day × 30 = 3.21… → 4
    assert DealerPosition(dealer_id=1, stock=D("10"), sold=D("3")).surplus(D("30")) == D("6")
    assert DealerPosition(dealer_id=1, stock=D("0"), sold=D("3")).need(D("7")) == D("1")


def test_no_sales_means_all_stock_is_surplus_and_nothing_is_needed():
    idle = DealerPosition(dealer_id=1, stock=D("40"), sold=D("0"))
    assert idle.surplus(D("30")) == D("40")
    assert idle.need(D("7")) == D("0")


def test_largest_surplus_meets_largest_need_greedily():
    positions = [
        pos(1, 500, 10),  # surplus 200
        pos(2, 350, 10),  # surplus 50
        pos(3, 0, 10),  # need 70
        pos(4, 20, 20),  # need 140 - 20 = 120
        pos(5, 100, 10),  # in range: neither
    ]
    matches = match_greedily(positions, min_days_cover=D("7"), max_days_cover=D("30"))
    # 200 meets 120 (80 left), then 80 meets 70; dealer 2's surplus finds no need left
    assert [(m.source.dealer_id, m.destination.dealer_id, m.quantity) for m in matches] == [
        (1, 4, D("120")),
        (1, 3, D("70")),
    ]


def test_ties_break_by_dealer_so_runs_repeat_exactly():
    positions = [pos(7, 0, 10), pos(3, 0, 10), pos(9, 400, 10), pos(4, 400, 10)]
    first = match_greedily(positions, min_days_cover=D("7"), max_days_cover=D("30"))
    again = match_greedily(list(reversed(positions)), min_days_cover=D("7"), max_days_cover=D("30"))
    assert [(m.source.dealer_id, m.destination.dealer_id, m.quantity) for m in first] == [
        (4, 3, D("70")),
        (9, 7, D("70")),  # 9's 100 is now the largest surplus
    ] == [(m.source.dealer_id, m.destination.dealer_id, m.quantity) for m in again]
