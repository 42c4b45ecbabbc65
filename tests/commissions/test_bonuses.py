"""Threshold bonuses (DOMAIN.md §6.2, §6.4, §8.3) and net_sales_by_dealer."""

import datetime as dt
import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from commissions import services
from commissions.models import CommissionStatement, StatementComponent
from commissions.selectors import net_sales_by_dealer
from tests.commissions.factories import give_plan, local, plan_p, sale, senior
from tests.factories import DealerFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

JAN_2027 = dt.date(2027, 1, 1)
NOW = local(2027, 1, 2, 2, 0)


def q4_dealer(*, annual_target=D("3000000.00")):
    dealer = senior(DealerFactory())
    give_plan(dealer, plan_p("whole"), quarterly_target=D("800000.00"), annual_target=annual_target)
    sale(dealer, "320000.00", local(2026, 10, 10, 9, 0))
    sale(dealer, "300000.00", local(2026, 11, 10, 9, 0))
    sale(dealer, "250000.00", local(2026, 12, 10, 9, 0))
    return dealer


def test_quarter_bonus_of_the_worked_example_is_booked_in_january():
    dealer = q4_dealer()
    [bonus] = services.threshold_bonuses_book(dealer=dealer, year=2026, quarter=4, now=NOW)
    assert bonus.kind == "quarter_bonus"
    assert bonus.amount == D("52200.00")
    assert bonus.bonus_period == "2026Q4"
    assert bonus.statement.period == JAN_2027
    assert bonus.statement.status == "draft"
    assert bonus.derivation["base_by_month"] == {
        "2026-10": "192000",
        "2026-11": "180000",
        "2026-12": "150000",
    }
    assert CommissionStatement.objects.get(dealer=dealer, period=JAN_2027).total == D("52200.00")


def test_bonus_is_booked_exactly_once():
    dealer = q4_dealer()
    services.threshold_bonuses_book(dealer=dealer, year=2026, quarter=4, now=NOW)
    assert services.threshold_bonuses_book(dealer=dealer, year=2026, quarter=4, now=NOW) == []
    assert StatementComponent.objects.filter(dealer=dealer, kind="quarter_bonus").count() == 1
    assert CommissionStatement.objects.get(dealer=dealer, period=JAN_2027).total == D("52200.00")


def test_no_bonus_below_the_target():
    dealer = senior(DealerFactory())
    give_plan(dealer, plan_p(), quarterly_target=D("800000.00"))
    sale(dealer, "799999.99", local(2026, 11, 10, 9, 0))
    assert services.threshold_bonuses_book(dealer=dealer, year=2026, quarter=4, now=NOW) == []
    assert not StatementComponent.objects.filter(dealer=dealer).exists()


def test_refuses_a_quarter_not_yet_over():
    dealer = q4_dealer()
    with pytest.raises(ValidationError) as exc:
        services.threshold_bonuses_book(
            dealer=dealer, year=2026, quarter=4, now=local(2026, 12, 31, 23, 0)
        )
    assert exc.value.code == "period_not_over"


def test_annual_bonus_in_q4():
    dealer = q4_dealer(annual_target=D("870000.00"))
    booked = services.threshold_bonuses_book(dealer=dealer, year=2026, quarter=4, now=NOW)
    annual = next(c for c in booked if c.kind == "annual_bonus")
    # (192,000 + 180,000 + 150,000) ÷ 12 × 3 = 130,500.00
    assert annual.amount == D("130500.00")
    assert annual.bonus_period == "2026"
    assert annual.statement.period == JAN_2027


def test_bonus_survives_recomputation_of_the_draft():
    dealer = q4_dealer()
    services.threshold_bonuses_book(dealer=dealer, year=2026, quarter=4, now=NOW)
    sale(dealer, "1000.00", local(2027, 1, 1, 9, 0))
    services.statements_build(period=JAN_2027, dealer_ids=[dealer.pk], now=NOW)
    services.statements_build(period=JAN_2027, dealer_ids=[dealer.pk], now=NOW)
    statement = CommissionStatement.objects.get(dealer=dealer, period=JAN_2027)
    kinds = dict(statement.components.values_list("kind", "amount"))
    assert kinds == {
        "quarter_bonus": D("52200.00"),
        "base": D("600.00"),
        "step": D("0.00"),
        "tier": D("5.00"),
    }
    assert statement.total == D("52805.00")


def test_bonus_goes_to_the_current_draft_when_the_month_after_is_approved():
    dealer = q4_dealer()
    finance = StaffUserFactory(groups=["finance"])
    services.statements_build(period=JAN_2027, dealer_ids=[dealer.pk], now=local(2027, 2, 2, 0, 0))
    services.statement_approve(
        statement=CommissionStatement.objects.get(dealer=dealer, period=JAN_2027),
        actor=finance,
        now=local(2027, 2, 2, 0, 0),
    )
    [bonus] = services.threshold_bonuses_book(
        dealer=dealer, year=2026, quarter=4, now=local(2027, 3, 5, 0, 0)
    )
    assert bonus.statement.period == dt.date(2027, 3, 1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_calls_book_once():
    dealer = q4_dealer()
    results, errors = [], []
    barrier = threading.Barrier(2)

    def book():
        try:
            barrier.wait()
            results.append(
                services.threshold_bonuses_book(dealer=dealer, year=2026, quarter=4, now=NOW)
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(len(r) for r in results) == [0, 1]
    assert StatementComponent.objects.filter(dealer=dealer, kind="quarter_bonus").count() == 1


def test_net_sales_by_dealer():
    a, b = DealerFactory(), DealerFactory()
    sale(a, "100.00", local(2026, 10, 1, 0, 0))
    sale(a, "-30.00", local(2026, 10, 31, 23, 59))
    sale(a, "999.00", local(2026, 11, 1, 0, 0))  # end is exclusive
    sale(b, "5.00", local(2026, 10, 15, 0, 0))
    start, end = local(2026, 10, 1, 0, 0), local(2026, 11, 1, 0, 0)
    assert net_sales_by_dealer(start=start, end=end) == {a.pk: D("70.00"), b.pk: D("5.00")}
    assert net_sales_by_dealer(start=start, end=end, dealer_ids=[b.pk]) == {b.pk: D("5.00")}


def test_a_bonus_only_statement_can_be_approved_after_the_agreement_ended():
    dealer = senior(DealerFactory())
    give_plan(
        dealer,
        plan_p(),
        status="ended",
        ends_on=dt.date(2026, 12, 31),
        quarterly_target=D("800000.00"),
    )
    for month, amount in ((10, "320000.00"), (11, "300000.00"), (12, "250000.00")):
        sale(dealer, amount, local(2026, month, 10, 9, 0))
    [bonus] = services.threshold_bonuses_book(dealer=dealer, year=2026, quarter=4, now=NOW)
    assert services.statements_build(period=JAN_2027, dealer_ids=[dealer.pk], now=NOW) == []
    statement = services.statement_approve(
        statement=bonus.statement,
        actor=StaffUserFactory(groups=["finance"]),
        now=local(2027, 2, 1, 9, 0),
    )
    assert (statement.status, statement.total) == ("approved", D("52200.00"))
