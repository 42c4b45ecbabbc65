"""Expiry of unused accruals (DOMAIN.md §14), probed from outside: spending made before an
accrual was earned (from an allocation) does not use it; spending draws on the
soonest-expiring accrual usable that day; a release gives back what its request drew."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command

from mdf import calculations as calc
from mdf import services
from mdf.models import Fund, Movement
from tests.commissions.factories import local
from tests.factories import ApiKeyFactory
from tests.mdf.factories import accrue_q1, people, q1_dealer


def entry(kind, delta, day, **kwargs):
    return calc.LedgerEntry(kind=kind, available_delta=D(delta), day=day, **kwargs)


Q1 = {"quarter": "2026Q1", "expires_on": dt.date(2026, 9, 30)}
Q2 = {"quarter": "2026Q2", "expires_on": dt.date(2026, 12, 31)}


def test_spending_before_the_accrual_existed_does_not_use_it():
    entries = [
        entry("allocation", "10000.00", dt.date(2026, 1, 5)),
        entry("reservation", "-10000.00", dt.date(2026, 2, 1), request_id=1),
        entry("accrual", "24000.00", dt.date(2026, 4, 1), **Q1),
    ]
    assert calc.unused_accruals(entries) == {"2026Q1": D("24000.00")}


def test_spending_draws_on_the_soonest_expiring_accrual_before_allocations():
    entries = [
        entry("allocation", "1000.00", dt.date(2026, 1, 5)),
        entry("accrual", "24000.00", dt.date(2026, 4, 1), **Q1),
        entry("accrual", "5000.00", dt.date(2026, 7, 1), **Q2),
        entry("reservation", "-26000.00", dt.date(2026, 7, 2), request_id=1),
        # 2,500.00 of it comes back: to what the request drew last (Q2)
        entry("release", "2500.00", dt.date(2026, 8, 1), request_id=1),
    ]
    assert calc.unused_accruals(entries) == {"2026Q1": D("500.00"), "2026Q2": D("5000.00")}


def test_an_accrual_past_its_last_day_is_drawn_only_when_nothing_else_is_left():
    entries = [
        entry("accrual", "100.00", dt.date(2026, 4, 1), **Q1),
        entry("allocation", "50.00", dt.date(2026, 9, 1)),
        entry("reservation", "-60.00", dt.date(2026, 10, 1), request_id=1),  # not yet expired
        entry("expiry", "-90.00", dt.date(2026, 10, 2), **Q1),
    ]
    assert calc.unused_accruals(entries) == {"2026Q1": D("0.00")}


@pytest.mark.django_db
def test_the_daily_job_expires_an_accrual_unused_because_an_allocation_paid_earlier(clock):
    dealer = q1_dealer()
    who = people(dealer)
    staff = ApiKeyFactory.issue(manufacturer=True)[0]
    clock.set(local(2026, 2, 1, 9, 0))
    services.fund_allocate(actor=staff, dealer=dealer, amount="10000.00", reason="launch")
    request = services.request_submit(
        actor=who["owner"],
        activity_type="event",
        title="February show",
        starts_on=dt.date(2026, 2, 10),
        ends_on=dt.date(2026, 2, 12),
        planned_spend="20000.00",
    )
    services.request_approve(actor=staff, request=request)  # reserves the 10,000.00
    clock.set(local(2026, 4, 1, 2, 0))
    accrue_q1()  # 24,000.00 earned in Q1, nothing of it spent
    clock.set(local(2026, 10, 1, 1, 20))
    call_command("run_mdf_daily", stdout=StringIO())
    assert Movement.objects.get(kind="expiry").amount == D("24000.00")
    # the unclaimed February request lapsed the same night: the allocation's 10,000.00 is back
    assert Fund.objects.get(dealer=dealer).available == D("10000.00")
    call_command("check_mdf_ledger", stdout=StringIO())
