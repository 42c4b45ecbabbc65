"""Marketing funds (DOMAIN.md §14) driven like an outside partner system through
`/api/v1/mdf/…`: shares and balances at their limits, the 60-day claim window, rounding of
the reimbursable amount, the two-person approval above 50,000.00, malformed bodies (400
with field and code, nothing written) and another dealer's funds (404, never listed)."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from mdf.models import Claim, Fund, FundRequest, Movement
from portal.clock import manufacturer_zone
from tests.factories import ApiKeyFactory, DealerFactory, StaffUserFactory, region_tree
from tests.mdf.factories import accrue_q1, pdf, q1_dealer

pytestmark = pytest.mark.django_db

BALANCE = "/api/v1/mdf/balance/"
REQUESTS = "/api/v1/mdf/requests/"
CLAIMS = "/api/v1/mdf/claims/"


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=manufacturer_zone())


def _key(dealer=None, name="test key"):
    client = APIClient()
    issued = (
        ApiKeyFactory.issue(dealer=dealer, name=name)
        if dealer
        else ApiKeyFactory.issue(manufacturer=True, name=name)
    )
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued[1]}")
    return client


def _user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(clock):
    region_tree()
    clock.set(sh(2026, 12, 3, 10, 0))
    a, b = DealerFactory(code="MA"), DealerFactory(code="MB")
    maker = _key(name="ops")
    for dealer in (a, b):
        response = maker.post(
            f"{BALANCE}{dealer.code}/allocate/",
            {"amount": "100000.00", "reason": "launch fund"},
            format="json",
        )
        assert response.status_code == 200, response.json()
    return {"clock": clock, "a": a, "a_api": _key(a), "b_api": _key(b), "maker": maker}


def _request(client, planned="1000.00", share=None, HTTP_IDEMPOTENCY_KEY=None, **extra):
    body = {
        "activity_type": "event",
        "title": "Roadshow",
        "starts_on": "2026-12-05",
        "ends_on": "2026-12-10",
        "planned_spend": planned,
        **extra,
    }
    if share is not None:
        body["share"] = share
    headers = {"HTTP_IDEMPOTENCY_KEY": HTTP_IDEMPOTENCY_KEY} if HTTP_IDEMPOTENCY_KEY else {}
    return client.post(REQUESTS, body, format="json", **headers)


def _approved_request(world, planned="1000.00", share=None):
    created = _request(world["a_api"], planned, share)
    assert created.status_code == 201, created.json()
    approved = world["maker"].post(f"{REQUESTS}{created.json()['id']}/approve/")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    return approved.json()


def _claim(world, request_id, actual="100.00", files=True):
    body = {"request": request_id, "actual_spend": actual}
    if files:
        body["files"] = [pdf()]
    return world["a_api"].post(CLAIMS, body, format="multipart")


def _errors(response):
    return [(e["attr"], e["code"]) for e in response.json()["errors"]]


def _nothing_requested():
    return (
        not FundRequest.objects.exists()
        and not Movement.objects.filter(kind="reservation").exists()
    )


@pytest.mark.parametrize(
    "planned,share,field",
    [
        ("1000.00", "1.0001", "share"),
        ("1000.00", "2", "share"),
        ("1000.00", "0", "share"),
        ("1000.00", "-0.5", "share"),
        ("1000.00", "0.12345", "share"),
        ("1000.00", "NaN", "share"),
        ("1000.00", "half", "share"),
        ("-100.00", None, "planned_spend"),
        ("0", None, "planned_spend"),
        ("1e30", None, "planned_spend"),
        ("100.001", None, "planned_spend"),
        ("Infinity", None, "planned_spend"),
        ("12,00", None, "planned_spend"),
    ],
)
def test_a_bad_share_or_planned_spend_is_a_400_and_nothing_is_requested(
    world, planned, share, field
):
    response = _request(world["a_api"], planned, share)
    assert response.status_code == 400, response.content
    assert [attr for attr, _c in _errors(response)] == [field]
    assert _nothing_requested()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"ends_on": "2026-12-01"}, "ends_on"),
        ({"activity_type": "EVENT"}, "activity_type"),
        ({"activity_type": None}, "activity_type"),
        ({"title": "a\x00b"}, "title"),
        ({"title": ""}, "title"),
        ({"regions": ["XX"]}, "regions"),
        ({"regions": "CN-GD"}, "regions"),
        ({"campaign": "NO-SUCH"}, "campaign"),
        ({"planned_spend": None}, "planned_spend"),
        ({"planned_spend": ["1"]}, "planned_spend"),
    ],
)
def test_a_malformed_request_names_its_field(world, change, field):
    response = _request(world["a_api"], **change)
    assert response.status_code == 400, response.content
    assert [attr for attr, _c in _errors(response)] == [field]
    assert _nothing_requested()


def test_the_share_is_at_most_one_and_exactly_one_is_accepted(world):
    response = _request(world["a_api"], "300.00", "1")
    assert response.status_code == 201, response.json()
    assert response.json()["requested_amount"] == "300.00"


def test_requested_may_equal_the_available_balance_but_not_exceed_it(world):
    over = _request(world["a_api"], "200000.02", "0.5")  # 100,000.01
    assert _errors(over) == [("planned_spend", "insufficient_funds")]
    assert _nothing_requested()
    exact = _request(world["a_api"], "200000.00", "0.5")
    assert exact.status_code == 201 and exact.json()["requested_amount"] == "100000.00"


def test_reimbursable_is_rounded_half_up(world):
    request = _approved_request(world, "100.00", "0.5")
    world["clock"].set(sh(2026, 12, 11, 9, 0))
    claimed = _claim(world, request["id"], actual="0.05")  # 0.025 → 0.03
    assert claimed.status_code == 201, claimed.json()
    assert claimed.json()["reimbursable"] == "0.03"


def test_the_requested_amount_is_rounded_half_up(world):
    response = _request(world["a_api"], "0.05", "0.5")
    assert response.status_code == 201, response.json()
    assert response.json()["requested_amount"] == "0.03"


def test_reimbursable_never_exceeds_the_approved_amount(world):
    request = _approved_request(world, "1000.00", "0.5")
    world["clock"].set(sh(2026, 12, 11, 9, 0))
    claimed = _claim(world, request["id"], actual="5000.00")
    assert claimed.json()["reimbursable"] == "500.00"


def test_a_claim_without_proof_is_refused(world):
    request = _approved_request(world)
    world["clock"].set(sh(2026, 12, 11, 9, 0))
    response = _claim(world, request["id"], files=False)
    assert response.status_code == 400 and _errors(response) == [("files", "required")]
    assert not Claim.objects.exists()
    assert FundRequest.objects.get().status == "approved"


def test_claims_are_accepted_through_the_60th_day_after_the_end(world):
    request = _approved_request(world)  # ends 2026-12-10 → through 2027-02-08
    assert request["claim_deadline"] == "2027-02-08"
    world["clock"].set(sh(2026, 12, 4, 23, 59))
    early = _claim(world, request["id"])
    assert _errors(early) == [("request", "too_early")]
    world["clock"].set(sh(2027, 2, 9, 0, 0))
    late = _claim(world, request["id"])
    assert late.status_code == 400 and _errors(late) == [("request", "too_late")]
    assert not Claim.objects.exists()
    world["clock"].set(sh(2027, 2, 8, 23, 59, 59))
    assert _claim(world, request["id"]).status_code == 201


def test_a_lower_approved_amount_needs_a_reason_and_bad_amounts_are_refused(world):
    request = _approved_request(world)
    world["clock"].set(sh(2026, 12, 11, 9, 0))
    claim = _claim(world, request["id"], actual="800.00").json()  # reimbursable 400.00
    finance = _user(StaffUserFactory(groups=["finance"]))
    for body, field, code in [
        ({"amount": "399.99"}, "reason", "required"),
        ({"amount": "399.99", "reason": "   "}, "reason", "required"),
        ({"amount": "400.01", "reason": "x"}, "amount", "over_reimbursable"),
        ({"amount": "-1.00", "reason": "x"}, "amount", "invalid"),
        ({"amount": "abc", "reason": "x"}, "amount", "invalid"),
        ({"amount": "1e400", "reason": "x"}, "amount", "invalid"),
    ]:
        response = finance.post(f"{CLAIMS}{claim['id']}/approve/", body, format="json")
        assert response.status_code == 400, body
        assert _errors(response) == [(field, code)], body
    assert Claim.objects.get().status == "submitted"
    assert not Movement.objects.filter(kind="payment").exists()
    manager = _user(StaffUserFactory(groups=["channel_manager"]))
    assert manager.post(f"{CLAIMS}{claim['id']}/approve/", {}, format="json").status_code == 403
    same = finance.post(f"{CLAIMS}{claim['id']}/approve/", {}, format="json")
    assert same.json()["approved_amount"] == "400.00"


def test_above_50000_one_person_cannot_approve_both_steps(world):
    executive_and_manager = StaffUserFactory(groups=["channel_manager", "executive"])
    person = _user(executive_and_manager)
    created = _request(world["a_api"], "100000.02", "0.5").json()  # 50,000.01
    first = person.post(f"{REQUESTS}{created['id']}/approve/")
    assert first.json()["status"] == "awaiting_executive"
    second = person.post(f"{REQUESTS}{created['id']}/approve/")
    assert second.status_code == 400 and _errors(second) == [("status", "same_approver")]
    assert FundRequest.objects.get().status == "awaiting_executive"
    assert not Movement.objects.filter(kind="reservation").exists()


def test_above_50000_the_same_manufacturer_key_cannot_approve_both_steps(world):
    created = _request(world["a_api"], "100000.02", "0.5").json()
    first = world["maker"].post(f"{REQUESTS}{created['id']}/approve/")
    assert first.json()["status"] == "awaiting_executive"
    again = world["maker"].post(f"{REQUESTS}{created['id']}/approve/")
    assert again.status_code == 400 and _errors(again) == [("status", "same_approver")]
    assert not Movement.objects.filter(kind="reservation").exists()
    other_key = _key(name="executive system")
    done = other_key.post(f"{REQUESTS}{created['id']}/approve/")
    assert done.status_code == 200 and done.json()["status"] == "approved"
    fund = Fund.objects.get(dealer=world["a"])
    assert (fund.available, fund.reserved) == (D("49999.99"), D("50000.01"))


def test_exactly_50000_needs_one_approval(world):
    approved = _approved_request(world, "100000.00", "0.5")
    assert approved["requested_amount"] == "50000.00"


def test_another_dealers_funds_requests_and_claims_are_invisible(world):
    request = _approved_request(world)
    world["clock"].set(sh(2026, 12, 11, 9, 0))
    claim = _claim(world, request["id"]).json()
    b = world["b_api"]
    assert b.get(f"{BALANCE}MA/").status_code == 404
    assert b.get(f"{REQUESTS}{request['id']}/").status_code == 404
    assert b.get(f"{CLAIMS}{claim['id']}/").status_code == 404
    for url in (
        f"{BALANCE}?dealer=MA",
        f"{REQUESTS}?dealer=MA",
        f"{CLAIMS}?dealer=MA",
        f"{CLAIMS}?request={request['id']}",
    ):
        listed = b.get(url)
        assert listed.status_code == 200 and listed.json()["results"] == [], url
    foreign = b.post(
        CLAIMS,
        {"request": request["id"], "actual_spend": "1.00", "files": [pdf()]},
        format="multipart",
    )
    absent = b.post(
        CLAIMS, {"request": 987654, "actual_spend": "1.00", "files": [pdf()]}, format="multipart"
    )
    assert foreign.status_code == absent.status_code == 400
    assert foreign.json() == absent.json()
    assert Claim.objects.count() == 1
    assert b.post(f"{BALANCE}MA/allocate/", {"amount": "1.00", "reason": "x"}).status_code in (
        403,
        404,
    )


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "abc", "1.5"])
def test_odd_request_ids_are_a_400_or_404_never_500(world, value):
    claim = world["a_api"].post(
        CLAIMS, {"request": value, "actual_spend": "1.00", "files": [pdf()]}, format="multipart"
    )
    assert claim.status_code == 400
    assert [attr for attr, _c in _errors(claim)] == ["request"]
    listed = world["a_api"].get(f"{CLAIMS}?request={value}")
    assert listed.status_code in (200, 400)
    assert world["a_api"].get(f"{REQUESTS}{value}/").status_code == 404


def test_a_dealer_cannot_allocate_or_decide(world):
    created = _request(world["a_api"]).json()
    assert world["a_api"].post(f"{REQUESTS}{created['id']}/approve/").status_code == 403
    allocate = world["a_api"].post(
        f"{BALANCE}MA/allocate/", {"amount": "1.00", "reason": "x"}, format="json"
    )
    assert allocate.status_code == 403
    assert Fund.objects.get(dealer=world["a"]).available == D("100000.00")


def test_a_naive_now_of_the_daily_job_is_manufacturer_time():
    """Q1's accrual is usable through 30 September: 23:00 that day in the manufacturer's
    office (07:00 on 1 October in Shanghai, were it read as UTC) expires nothing."""
    q1_dealer()
    accrue_q1()
    call_command("run_mdf_daily", "--now", "2026-09-30T23:00:00", stdout=StringIO())
    assert not Movement.objects.filter(kind="expiry").exists()
    call_command("run_mdf_daily", "--now", "2026-10-01T00:00:00", stdout=StringIO())
    assert Movement.objects.get(kind="expiry").amount == D("24000.00")


def test_a_retried_request_and_claim_with_the_same_idempotency_key_count_once(world):
    first = _request(world["a_api"], HTTP_IDEMPOTENCY_KEY="req-1")
    again = _request(world["a_api"], HTTP_IDEMPOTENCY_KEY="req-1")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert FundRequest.objects.count() == 1
    world["maker"].post(f"{REQUESTS}{first.json()['id']}/approve/")
    world["clock"].set(sh(2026, 12, 11, 9, 0))
    body = {"request": first.json()["id"], "actual_spend": "100.00"}
    claims = [
        world["a_api"].post(
            CLAIMS, {**body, "files": [pdf()]}, format="multipart", HTTP_IDEMPOTENCY_KEY="c-1"
        )
        for _ in range(2)
    ]
    assert [c.status_code for c in claims] == [201, 201]
    assert claims[1]["Idempotent-Replayed"] == "true"
    assert Claim.objects.count() == 1


def test_a_dealer_without_movements_has_a_zero_balance_not_a_404(world):
    fresh = DealerFactory(code="MC")
    api = _key(fresh)
    own = api.get(f"{BALANCE}MC/")
    assert own.status_code == 200, own.content
    assert (own.json()["available"], own.json()["reserved"], own.json()["movements"]) == (
        "0.00",
        "0.00",
        [],
    )
    assert world["maker"].get(f"{BALANCE}MC/").status_code == 200
    assert not Fund.objects.filter(dealer=fresh).exists()  # a read writes nothing
    assert api.get(f"{BALANCE}MA/").status_code == 404  # another dealer's stays invisible
    assert world["maker"].get(f"{BALANCE}NO-SUCH/").status_code == 404
    refused = _request(api, "2.00")
    assert _errors(refused) == [("planned_spend", "insufficient_funds")]
