"""Requests, two-step approval, expiry, lapse, the append-only ledger (DOMAIN.md §14)."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from mdf import calculations as calc
from mdf import services
from mdf.models import Fund, FundRequest, Movement
from portal.clock import manufacturer_today
from portal.models import JobRun, Notification
from tests.commissions.factories import local
from tests.mdf.factories import accrue_q1, pdf, people, q1_dealer

pytestmark = pytest.mark.django_db


def submit(owner, planned, *, share="1", starts=None, ends=None):
    today = manufacturer_today()
    return services.request_submit(
        actor=owner,
        activity_type="advertising",
        title="Billboards",
        starts_on=starts or today,
        ends_on=ends or today,
        planned_spend=planned,
        share=share,
    )


def test_calculations():
    assert calc.accrual(D("1200000.00"), D("0.02")) == D("24000.00")
    assert calc.accrual(D("-5.00"), D("0.02")) == D("0.00")
    assert calc.accrual_expires_on("2026Q1") == dt.date(2026, 9, 30)
    assert calc.accrual_expires_on("2026Q4") == dt.date(2027, 6, 30)
    assert calc.requested_amount(D("40000.00"), D("0.5")) == D("20000.00")
    assert calc.reimbursable(D("36000.00"), D("0.5"), D("20000.00")) == D("18000.00")
    assert calc.reimbursable(D("50000.00"), D("0.5"), D("20000.00")) == D("20000.00")
    assert calc.reimbursable(D("0.01"), D("0.5"), D("20000.00")) == D("0.01")  # half-up
    assert not calc.needs_executive(D("50000.00"))
    assert calc.needs_executive(D("50000.01"))


def test_above_50000_a_channel_manager_then_an_executive_approve():
    dealer = q1_dealer()
    who = people(dealer)
    services.fund_allocate(actor=who["finance"], dealer=dealer, amount="60000.00", reason="launch")
    request = submit(who["owner"], "60000.00")
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=who["executive"], request=request)
    request = services.request_approve(actor=who["manager"], request=request)
    assert request.status == FundRequest.Status.AWAITING_EXECUTIVE
    assert Fund.objects.get(dealer=dealer).reserved == D("0.00")
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=who["manager"], request=request)
    request = services.request_approve(actor=who["executive"], request=request)
    assert request.status == FundRequest.Status.APPROVED
    fund = Fund.objects.get(dealer=dealer)
    assert (fund.available, fund.reserved) == (D("0.00"), D("60000.00"))
    # idempotent: approving again changes nothing
    services.request_approve(actor=who["executive"], request=request)
    assert Movement.objects.filter(kind="reservation").count() == 1
    kinds = set(Notification.objects.filter(kind__startswith="mdf_").values_list("kind", flat=True))
    assert kinds == {"mdf_request_manager_approved", "mdf_request_approved"}


def test_a_rejection_needs_a_reason_and_reserves_nothing():
    dealer = q1_dealer()
    who = people(dealer)
    accrue_q1()
    request = submit(who["owner"], "1000.00")
    with pytest.raises(ValidationError) as exc:
        services.request_reject(actor=who["manager"], request=request, reason=" ")
    assert exc.value.error_dict["reason"][0].code == "required"
    services.request_reject(actor=who["manager"], request=request, reason="Not in plan")
    request.refresh_from_db()
    assert (request.status, request.reject_reason) == ("rejected", "Not in plan")
    assert not Movement.objects.filter(kind="reservation").exists()


def test_unclaimed_requests_lapse_and_release_by_the_daily_job(clock):
    dealer = q1_dealer()
    who = people(dealer)
    accrue_q1()
    start = dt.date(2026, 4, 10)
    clock.set(local(2026, 4, 1, 9, 0))
    request = submit(who["owner"], "5000.00", starts=start, ends=dt.date(2026, 4, 20))
    services.request_approve(actor=who["manager"], request=request)
    clock.set(local(2026, 6, 19, 9, 0))  # the 60th day after the end: still claimable
    call_command("run_mdf_daily", stdout=StringIO())
    assert FundRequest.objects.get().status == "approved"
    clock.set(local(2026, 6, 20, 9, 0))
    with pytest.raises(ValidationError) as exc:
        services.claim_submit(
            actor=who["owner"], request=request, actual_spend="100.00", files=[pdf()]
        )
    assert exc.value.error_dict["request"][0].code == "too_late"
    call_command("run_mdf_daily", "--dry-run", stdout=StringIO())
    assert FundRequest.objects.get().status == "approved"
    call_command("run_mdf_daily", stdout=StringIO())
    call_command("run_mdf_daily", stdout=StringIO())
    assert FundRequest.objects.get().status == "lapsed"
    fund = Fund.objects.get(dealer=dealer)
    assert (fund.available, fund.reserved) == (D("24000.00"), D("0.00"))
    assert JobRun.objects.filter(job="mdf_daily", status="succeeded").count() == 4
    call_command("check_mdf_ledger", stdout=StringIO())


def test_unused_accruals_expire_after_the_second_quarter(clock):
    dealer = q1_dealer()
    who = people(dealer)
    accrue_q1()  # 24,000.00 usable through 30 September 2026
    services.fund_allocate(actor=who["manager"], dealer=dealer, amount="1000.00", reason="fair")
    clock.set(local(2026, 5, 1, 9, 0))
    request = submit(who["owner"], "10000.00", starts=dt.date(2026, 5, 2), ends=dt.date(2026, 9, 1))
    services.request_approve(actor=who["manager"], request=request)
    clock.set(local(2026, 9, 30, 23, 0))
    call_command("run_mdf_daily", stdout=StringIO())
    assert not Movement.objects.filter(kind="expiry").exists()
    clock.set(local(2026, 10, 1, 1, 0))
    call_command("run_mdf_daily", stdout=StringIO())
    call_command("run_mdf_daily", stdout=StringIO())
    expiry = Movement.objects.get(kind="expiry")
    # 24,000 accrued − 10,000 used = 14,000 expire; the allocation stays
    assert (expiry.amount, expiry.quarter) == (D("14000.00"), "2026Q1")
    assert Fund.objects.get(dealer=dealer).available == D("1000.00")
    call_command("check_mdf_ledger", stdout=StringIO())


def test_movements_are_append_only_in_the_database():
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    q1_dealer()
    accrue_q1()
    movement = Movement.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Movement.objects.filter(pk=movement.pk).update(amount=D("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Movement.objects.filter(pk=movement.pk).delete()


def test_the_ledger_check_names_a_broken_fund():
    dealer = q1_dealer()
    accrue_q1()
    Fund.objects.filter(dealer=dealer).update(available=D("1.00"))
    with pytest.raises(Exception, match="break the ledger"):
        call_command("check_mdf_ledger", stdout=StringIO(), stderr=StringIO())


def test_a_request_may_name_a_campaign_whose_mdf_share_is_the_default():
    from pricing.models import Campaign

    dealer = q1_dealer()
    who = people(dealer)
    accrue_q1()
    today = manufacturer_today()
    campaign = Campaign.objects.create(
        code="SPRING", name="Spring", starts_on=today, ends_on=today,
        min_discount=D("0"), max_discount=D("0.1"), mdf_share=D("0.3"),
    )
    request = services.request_submit(
        actor=who["owner"], activity_type="event", title="Spring event", starts_on=today,
        ends_on=today, planned_spend="10000.00", campaign=campaign,
    )
    assert (request.campaign, request.share, request.requested_amount) == (
        campaign, D("0.3000"), D("3000.00"),
    )
