"""Credits booked by other concerns (price protection, MDF): once per source, into a draft."""

import datetime as dt
import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from commissions import services
from commissions.models import CommissionStatement, StatementComponent
from portal.periods import Month
from tests.commissions.factories import give_plan, local, plan_p, sale, senior
from tests.factories import DealerFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

JAN_2027 = Month(2027, 1)
NOW = local(2027, 1, 20, 9, 0)


def book(dealer, *, kind="price_protection", amount="2000.00", source="guide:7", now=NOW):
    return services.book_credit(
        dealer=dealer,
        kind=kind,
        amount=D(amount),
        source_key=source,
        derivation={"units": 40},
        month=JAN_2027,
        now=now,
    )


def test_a_credit_is_booked_into_its_months_draft_and_counted_in_the_total():
    dealer = DealerFactory()
    row = book(dealer)
    assert row.kind == "price_protection"
    assert row.statement.period == dt.date(2027, 1, 1)
    assert row.derivation == {"units": 40}
    assert CommissionStatement.objects.get(dealer=dealer, period=JAN_2027.first_day).total == D(
        "2000.00"
    )


def test_the_same_source_is_booked_once_other_sources_add_up():
    dealer = DealerFactory()
    book(dealer)
    assert book(dealer) is None
    book(dealer, kind="mdf", amount="18000.00", source="claim:1")
    book(dealer, kind="mdf", amount="1.50", source="claim:2")
    statement = CommissionStatement.objects.get(dealer=dealer, period=JAN_2027.first_day)
    assert statement.total == D("20001.50")
    assert statement.components.count() == 3


def test_a_credit_survives_the_statement_run():
    dealer = senior(DealerFactory())
    give_plan(dealer, plan_p("whole"))
    sale(dealer, "1000.00", local(2027, 1, 5, 9, 0))
    book(dealer)
    services.statements_build(period=JAN_2027.first_day, dealer_ids=[dealer.pk], now=NOW)
    services.statements_build(period=JAN_2027.first_day, dealer_ids=[dealer.pk], now=NOW)
    statement = CommissionStatement.objects.get(dealer=dealer, period=JAN_2027.first_day)
    kinds = dict(statement.components.values_list("kind", "amount"))
    assert kinds["price_protection"] == D("2000.00")
    assert statement.total == sum(kinds.values())


def test_an_approved_month_sends_the_credit_to_the_current_draft():
    dealer = senior(DealerFactory())
    give_plan(dealer, plan_p("whole"))
    sale(dealer, "1000.00", local(2027, 1, 5, 9, 0))
    later = local(2027, 3, 5, 9, 0)
    services.statements_build(period=JAN_2027.first_day, dealer_ids=[dealer.pk], now=later)
    services.statement_approve(
        statement=CommissionStatement.objects.get(dealer=dealer, period=JAN_2027.first_day),
        actor=StaffUserFactory(groups=["finance"]),
        now=later,
    )
    row = book(dealer, now=later)
    assert row.statement.period == dt.date(2027, 3, 1)
    approved = CommissionStatement.objects.get(dealer=dealer, period=JAN_2027.first_day)
    assert not approved.components.filter(kind="price_protection").exists()


def test_a_credit_needs_its_kind_and_source():
    dealer = DealerFactory()
    with pytest.raises(ValueError):
        book(dealer, kind="adjustment")
    with pytest.raises(ValueError):
        book(dealer, source="")
    with pytest.raises(ValidationError):
        StatementComponent(
            statement=CommissionStatement.objects.create(
                dealer=dealer, period=JAN_2027.first_day, currency="CNY"
            ),
            dealer=dealer,
            kind="mdf",
            amount=D("1.00"),
        ).full_clean()


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_source_book_once():
    dealer = DealerFactory()
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(book(dealer))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r is None for r in results) == [False, True]
    assert StatementComponent.objects.filter(dealer=dealer, kind="price_protection").count() == 1
