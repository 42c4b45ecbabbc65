"""Two approvals at once that together exceed the balance: exactly one reserves, the other
is refused with `insufficient_funds`, and the fund never goes below zero (DOMAIN.md §14).
Two real connections (threads), not a simulation."""

import threading
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from mdf import services
from mdf.models import Fund, FundRequest, Movement
from portal.clock import manufacturer_today
from tests.factories import DealerUserFactory, StaffUserFactory
from tests.mdf.factories import accrue_q1, q1_dealer

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_approvals_exceeding_the_balance_together_exactly_one_succeeds():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    dealer = q1_dealer()
    accrue_q1()  # 24,000.00
    owner = DealerUserFactory(membership__dealer=dealer, membership__role="owner")
    managers = [StaffUserFactory(groups=["channel_manager"]) for _ in range(2)]
    today = manufacturer_today()
    requests = [
        services.request_submit(
            actor=owner,
            activity_type="event",
            title=f"Event {n}",
            starts_on=today,
            ends_on=today,
            planned_spend="15000.00",
            share="1",
        )
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def approve(n):
        try:
            barrier.wait(timeout=30)
            services.request_approve(actor=managers[n], request=requests[n])
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.error_dict["amount"][0].code)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(outcomes) == ["insufficient_funds", "ok"]
    fund = Fund.objects.get(dealer=dealer)
    assert (fund.available, fund.reserved) == (D("9000.00"), D("15000.00"))
    assert FundRequest.objects.filter(status="approved").count() == 1
    assert FundRequest.objects.filter(status="submitted").count() == 1
    assert Movement.objects.filter(kind="reservation").count() == 1
    call_command("check_mdf_ledger", stdout=StringIO())
