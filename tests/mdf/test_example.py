"""The §14 example end to end, through the API and the commands: 24,000.00 accrued by the
quarterly job, a request reserving 20,000.00, a claim paid as 18,000.00 `mdf` in the next
draft statement, 6,000.00 available."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from commissions.models import CommissionStatement, StatementComponent
from mdf.models import Claim, FundRequest, Movement
from portal.clock import manufacturer_today
from portal.models import Event, Notification
from portal.periods import Month
from tests.mdf.factories import accrue_q1, client_for, pdf, people, q1_dealer

pytestmark = pytest.mark.django_db

BALANCE = "/api/v1/mdf/balance/"
REQUESTS = "/api/v1/mdf/requests/"
CLAIMS = "/api/v1/mdf/claims/"


def test_the_section_14_example_end_to_end():
    dealer = q1_dealer()
    who = people(dealer)
    accrue_q1()
    dealer_api = client_for(who["owner"])
    balance = dealer_api.get(f"{BALANCE}{dealer.code}/").json()
    assert (balance["available"], balance["accrued"]) == ("24000.00", "24000.00")
    assert balance["movements"][0]["kind"] == "accrual"
    assert balance["movements"][0]["expires_on"] == "2026-09-30"

    today = manufacturer_today()
    created = dealer_api.post(
        REQUESTS,
        {
            "activity_type": "exhibition",
            "title": "Spring home show",
            "starts_on": str(today - dt.timedelta(days=10)),
            "ends_on": str(today - dt.timedelta(days=2)),
            "regions": ["CN-GD-SZ"],
            "planned_spend": "40000.00",
            "share": "0.5",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    request = created.json()
    assert (request["requested_amount"], request["status"], request["regions"]) == (
        "20000.00",
        "submitted",
        ["CN-GD-SZ"],
    )
    approved = client_for(who["manager"]).post(f"{REQUESTS}{request['id']}/approve/")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    balance = dealer_api.get(f"{BALANCE}{dealer.code}/").json()
    assert (balance["available"], balance["reserved"]) == ("4000.00", "20000.00")

    claimed = dealer_api.post(
        CLAIMS,
        {"request": request["id"], "actual_spend": "36000.00", "files": [pdf()]},
        format="multipart",
    )
    assert claimed.status_code == 201, claimed.json()
    claim = claimed.json()
    assert (claim["reimbursable"], claim["status"], claim["proofs"][0]["name"]) == (
        "18000.00",
        "submitted",
        "invoice.pdf",
    )
    decided = client_for(who["finance"]).post(f"{CLAIMS}{claim['id']}/approve/", {}, format="json")
    assert decided.status_code == 200, decided.json()
    assert (decided.json()["status"], decided.json()["approved_amount"]) == ("approved", "18000.00")

    component = StatementComponent.objects.get(dealer=dealer, kind="mdf")
    assert component.amount == D("18000.00")
    assert component.statement.status == CommissionStatement.Status.DRAFT
    assert component.statement.period == Month.current().first_day
    assert component.derivation["actual_spend"] == "36000.00"
    assert component.derivation["reimbursable"] == "18000.00"
    balance = dealer_api.get(f"{BALANCE}{dealer.code}/").json()
    assert (balance["available"], balance["reserved"], balance["paid"]) == (
        "6000.00",
        "0.00",
        "18000.00",
    )
    kinds = [m["kind"] for m in reversed(balance["movements"])]
    assert kinds == ["accrual", "reservation", "payment", "release"]
    assert FundRequest.objects.get().status == FundRequest.Status.PAID
    assert Event.objects.filter(topic="mdf.claim_decided", dealer=dealer).count() == 1
    assert Notification.objects.filter(recipient=who["owner"], kind__startswith="mdf_").count() == 2

    out = StringIO()
    call_command("check_mdf_ledger", stdout=out)
    assert "OK" in out.getvalue()


def test_the_quarterly_job_run_twice_accrues_once_and_a_dry_run_accrues_nothing():
    dealer = q1_dealer()
    call_command("run_quarterly_reviews", quarter="2026Q1", dry_run=True, stdout=StringIO())
    assert not Movement.objects.exists()
    accrue_q1()
    accrue_q1()
    assert list(Movement.objects.values_list("dealer__code", "kind", "amount", "quarter")) == [
        (dealer.code, "accrual", D("24000.00"), "2026Q1")
    ]
    assert dealer.mdf_fund.available == D("24000.00")


def test_bad_input_is_a_clear_error_and_changes_nothing():
    dealer = q1_dealer()
    who = people(dealer)
    accrue_q1()
    api = client_for(who["owner"])
    today = str(manufacturer_today())
    base = {"activity_type": "event", "title": "Launch", "starts_on": today, "ends_on": today}
    too_much = api.post(
        REQUESTS, {**base, "planned_spend": "50000.00", "share": "1"}, format="json"
    )
    assert too_much.status_code == 400
    assert too_much.json()["errors"][0]["attr"] == "planned_spend"
    assert too_much.json()["errors"][0]["code"] == "insufficient_funds"
    bad_share = api.post(
        REQUESTS, {**base, "planned_spend": "100.00", "share": "1.5"}, format="json"
    )
    assert (bad_share.json()["errors"][0]["attr"], bad_share.status_code) == ("share", 400)
    bad_type = api.post(
        REQUESTS, {**base, "activity_type": "party", "planned_spend": "1"}, format="json"
    )
    assert bad_type.json()["errors"][0]["attr"] == "activity_type"
    assert api.get(REQUESTS, {"dealr": "X"}).status_code == 400
    assert not FundRequest.objects.exists()
    ok = api.post(REQUESTS, {**base, "planned_spend": "1000.00"}, format="json").json()
    client_for(who["manager"]).post(f"{REQUESTS}{ok['id']}/approve/")
    no_file = api.post(CLAIMS, {"request": ok["id"], "actual_spend": "900.00"}, format="multipart")
    assert (no_file.status_code, no_file.json()["errors"][0]["attr"]) == (400, "files")
    fake = SimpleUploadedFile("invoice.pdf", b"not a pdf at all", content_type="application/pdf")
    wrong = api.post(
        CLAIMS, {"request": ok["id"], "actual_spend": "900.00", "files": [fake]}, format="multipart"
    )
    assert wrong.json()["errors"][0]["code"] == "invalid_type"
    assert not Claim.objects.exists()
    claim = api.post(
        CLAIMS,
        {"request": ok["id"], "actual_spend": "900.00", "files": [pdf()]},
        format="multipart",
    ).json()
    finance = client_for(who["finance"])
    lower = finance.post(f"{CLAIMS}{claim['id']}/approve/", {"amount": "400.00"}, format="json")
    assert (lower.status_code, lower.json()["errors"][0]["attr"]) == (400, "reason")
    over = finance.post(f"{CLAIMS}{claim['id']}/approve/", {"amount": "500.00"}, format="json")
    assert over.json()["errors"][0]["code"] == "over_reimbursable"
    assert api.post(f"{CLAIMS}{claim['id']}/approve/", {}, format="json").status_code == 403
    done = finance.post(
        f"{CLAIMS}{claim['id']}/approve/",
        {"amount": "400.00", "reason": "one invoice missing"},
        format="json",
    )
    assert done.json()["approved_amount"] == "400.00"
    assert StatementComponent.objects.get(kind="mdf").amount == D("400.00")
