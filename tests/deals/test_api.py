"""`/api/v1/deal-registrations/` and the money of DOMAIN.md §12: the worked example through
the API and `run_commissions`; lines naming an expired or another dealer's deal are refused."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from deals.models import DealRegistration
from portal.clock import manufacturer_today
from tests.api_mixins import APIResourceTests
from tests.commissions.factories import give_plan, plan_p, product
from tests.deals.factories import line
from tests.factories import (
    ApiKeyFactory,
    DealerFactory,
    DealerUserFactory,
    StaffUserFactory,
    region_tree,
    tier,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/deal-registrations/"


def _client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def _registration(**extra):
    return {
        "customer_name": "深圳市星河科技有限公司",
        "customer_region": "CN-GD-SZ",
        "customer_email": "li@starriver.cn",
        "product_lines": ["PL-HOME"],
        "estimated_amount": "150000.00",
        "expected_close_on": "2030-01-31",
        **extra,
    }


def _line(external_id, amount, sold_at, deal=None):
    line = {
        "external_id": external_id,
        "sku": "SKU-1",
        "quantity": "1",
        "amount": amount,
        "currency": "CNY",
        "sold_at": sold_at,
        "ship_to_region": "CN-GD-SZ",
    }
    if deal is not None:
        line["deal"] = deal
    return line


@pytest.fixture
def world():
    region_tree()
    product("SKU-1")  # product line PL-HOME
    a = DealerFactory(code="DA", tier=tier("senior"))
    b = DealerFactory(code="DB")
    return {
        "a": a,
        "b": b,
        "a_api": _client(ApiKeyFactory.issue(dealer=a)[1]),
        "b_api": _client(ApiKeyFactory.issue(dealer=b)[1]),
        "maker": _client(ApiKeyFactory.issue(manufacturer=True)[1]),
    }


def test_worked_example_through_the_api_and_run_commissions(world):
    give_plan(world["a"], plan_p("whole"))
    created = world["a_api"].post(URL, _registration(), format="json")
    assert created.status_code == 201, created.json()
    deal = created.json()
    assert (deal["status"], deal["dealer"], deal["matches"]) == ("submitted", "DA", [])

    approved = world["maker"].post(f"{URL}{deal['id']}/approve/", format="json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    assert (
        approved.json()["protected_until"]
        == (manufacturer_today() + dt.timedelta(days=90)).isoformat()
    )
    assert approved.json()["days_left"] == 90

    lines = [
        _line("OCT-1", "120000.00", "2026-10-08T11:00:00+08:00", deal=deal["number"]),
        _line("OCT-2", "200000.00", "2026-10-22T16:30:00+08:00"),
    ]
    posted = world["a_api"].post("/api/v1/sales/", {"lines": lines}, format="json")
    assert posted.status_code == 201, posted.json()
    listed = world["a_api"].get("/api/v1/sales/?external_id=OCT-1").json()["results"]
    assert listed[0]["deal"] == deal["number"]

    call_command("run_commissions", "--period", "2026-10")

    [statement] = (
        world["a_api"].get("/api/v1/commission-statements/?period=2026-10").json()["results"]
    )
    assert [(c["kind"], c["amount"]) for c in statement["components"]] == [
        ("base", "192000.00"),
        ("step", "11200.00"),
        ("tier", "1600.00"),
        ("deal", "1200.00"),
    ]
    assert statement["total"] == "206000.00"
    derivation = statement["components"][3]["derivation"]
    assert derivation["deals"] == [{"deal": deal["number"], "amount": "120000"}]
    assert derivation["deal_bonus_rate"] == "0.01"

    # the same line sent again names the same deal: a duplicate; another deal: a conflict
    again = world["a_api"].post("/api/v1/sales/", {"lines": lines[:1]}, format="json")
    assert again.status_code == 200 and again.json()["duplicates"] == 1
    changed = {**lines[0]}
    changed.pop("deal")
    refused = world["a_api"].post("/api/v1/sales/", {"lines": [changed]}, format="json")
    assert refused.status_code == 422
    assert _errors(refused) == [("lines.0.external_id", "external_id_conflict")]


def _errors(response):
    return [(e["attr"], e["code"]) for e in response.json()["errors"]]


def test_a_line_naming_an_expired_or_foreign_or_unknown_deal_is_refused(world):
    mine = world["a_api"].post(URL, _registration(), format="json").json()
    theirs = (
        world["b_api"]
        .post(URL, _registration(customer_name="白云电器", customer_email=""), format="json")
        .json()
    )
    for deal in (mine, theirs):
        assert world["maker"].post(f"{URL}{deal['id']}/approve/").status_code == 200
    today = manufacturer_today()
    now = (timezone.now() - dt.timedelta(minutes=10)).isoformat()

    foreign = world["a_api"].post(
        "/api/v1/sales/",
        {"lines": [_line("X-1", "10.00", now, deal=theirs["number"])]},
        format="json",
    )
    assert foreign.status_code == 422
    assert ("lines.0.deal", "deal_not_protected") in _errors(foreign)
    unknown = world["a_api"].post(
        "/api/v1/sales/",
        {"lines": [_line("X-2", "10.00", now, deal="DR-1999-000001")]},
        format="json",
    )
    assert ("lines.0.deal", "deal_not_protected") in _errors(unknown)

    # the protection ran out: expired by the daily job, the number is refused
    DealRegistration.objects.filter(pk=mine["id"]).update(
        protected_until=today - dt.timedelta(days=2)
    )
    call_command("expire_deal_registrations")
    assert DealRegistration.objects.get(pk=mine["id"]).status == "expired"
    expired = world["a_api"].post(
        "/api/v1/sales/",
        {"lines": [_line("X-3", "10.00", now, deal=mine["number"])]},
        format="json",
    )
    assert ("lines.0.deal", "deal_not_protected") in _errors(expired)
    from commissions.models import SaleLine

    assert not SaleLine.objects.exists()


def test_a_sale_after_the_last_day_of_protection_is_refused(world):
    deal = world["a_api"].post(URL, _registration(), format="json").json()
    world["maker"].post(f"{URL}{deal['id']}/approve/")
    last = DealRegistration.objects.get(pk=deal["id"]).protected_until
    DealRegistration.objects.filter(pk=deal["id"]).update(protected_until=dt.date(2026, 10, 10))
    inside = _line("IN", "10.00", "2026-10-10T23:59:59+08:00", deal=deal["number"])
    outside = _line("OUT", "10.00", "2026-10-11T00:00:00+08:00", deal=deal["number"])
    response = world["a_api"].post("/api/v1/sales/", {"lines": [inside, outside]}, format="json")
    assert _errors(response) == [("lines.1.deal", "deal_not_protected")]
    assert last > dt.date(2026, 10, 10)


def test_dealers_see_their_own_registrations_and_never_the_matches(world):
    a_deal = world["a_api"].post(URL, _registration(), format="json").json()
    b_deal = (
        world["b_api"]
        .post(URL, _registration(customer_name="深圳市星河科技", customer_email=""), format="json")
        .json()
    )
    assert b_deal["status"] == "conflict"
    assert b_deal["matches"] == []
    assert "深圳市星河科技有限公司" not in str(b_deal)
    assert world["b_api"].get(f"{URL}{a_deal['id']}/").status_code == 404
    assert [r["id"] for r in world["b_api"].get(URL).json()["results"]] == [b_deal["id"]]
    staff_view = world["maker"].get(f"{URL}{b_deal['id']}/").json()
    assert staff_view["matches"] == [
        {
            "kind": "conflict",
            "reasons": ["name"],
            "other": a_deal["number"],
            "other_dealer": "DA",
            "territory": None,
            "similarity": None,
        }
    ]
    assert len(world["maker"].get(f"{URL}?status=conflict").json()["results"]) == 1
    assert world["maker"].get(f"{URL}?colour=red").status_code == 400


def test_only_staff_decide_and_dealers_close_their_own(world):
    deal = world["a_api"].post(URL, _registration(), format="json").json()
    assert world["a_api"].post(f"{URL}{deal['id']}/approve/").status_code == 403
    assert world["b_api"].post(f"{URL}{deal['id']}/won/").status_code == 404
    reject = world["maker"].post(f"{URL}{deal['id']}/reject/", {"reason": ""}, format="json")
    assert reject.status_code == 400
    assert world["maker"].post(f"{URL}{deal['id']}/approve/").status_code == 200
    assert world["maker"].post(f"{URL}{deal['id']}/approve/").status_code == 400  # once

    requested = world["a_api"].post(
        f"{URL}{deal['id']}/extend/", {"reason": "tender delayed"}, format="json"
    )
    assert requested.status_code == 200 and requested.json()["extension"] == "requested"
    again = world["a_api"].post(f"{URL}{deal['id']}/extend/", {}, format="json")
    assert again.status_code == 400
    before = DealRegistration.objects.get(pk=deal["id"]).protected_until
    granted = world["maker"].post(f"{URL}{deal['id']}/extend/", {}, format="json")
    assert granted.json()["extension"] == "approved"
    assert granted.json()["protected_until"] == (before + dt.timedelta(days=30)).isoformat()
    assert world["maker"].post(f"{URL}{deal['id']}/extend/", {}, format="json").status_code == 400

    won = world["a_api"].post(f"{URL}{deal['id']}/won/")
    assert won.status_code == 200 and won.json()["status"] == "won"
    assert world["a_api"].post(f"{URL}{deal['id']}/lost/").status_code == 400


def test_the_channel_manager_of_the_customers_region_approves(world):
    region = region_tree()["CN-GD"]
    gd = StaffUserFactory(groups=["channel_manager"])
    bj = StaffUserFactory(groups=["channel_manager"])
    region.channel_managers.add(gd)
    region_tree()["CN-BJ"].channel_managers.add(bj)
    deal = world["a_api"].post(URL, _registration(), format="json").json()
    other = APIClient()
    other.force_authenticate(bj)
    assert other.post(f"{URL}{deal['id']}/approve/").status_code == 403
    mine = APIClient()
    mine.force_authenticate(gd)
    assert mine.post(f"{URL}{deal['id']}/approve/").status_code == 200
    finance = APIClient()
    finance.force_authenticate(StaffUserFactory(groups=["finance"]))
    assert finance.post(URL, _registration(dealer="DB"), format="json").status_code == 403


def test_a_dealer_user_registers_through_the_session_api(world):
    user = DealerUserFactory(membership__dealer=world["b"])
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(URL, _registration(dealer="DA"), format="json")
    assert response.status_code == 400  # not another dealer
    response = client.post(URL, _registration(), format="json")
    assert response.status_code == 201 and response.json()["dealer"] == "DB"


def test_list_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    for n in range(6):
        world["a_api"].post(URL, _registration(customer_name=f"客户{n}号"), format="json")
    with django_assert_max_num_queries(12):
        response = world["maker"].get(URL)
    assert len(response.json()["results"]) == 6


class TestDealRegistrationsAPI(APIResourceTests):
    url = URL
    response_lookup_key = "id"
    list_max_queries = 12

    def make(self, dealer):
        from tests.deals.factories import register

        line("PL-HOME")
        return register(dealer, f"客户 {dealer.code}")

    def create_payload(self, dealer):
        line("PL-HOME")
        region_tree()
        return _registration(dealer=dealer.code)


def test_a_line_sent_again_after_its_deal_expired_is_still_a_duplicate(world):
    deal = world["a_api"].post(URL, _registration(), format="json").json()
    world["maker"].post(f"{URL}{deal['id']}/approve/")
    today = manufacturer_today()
    sold = (timezone.now() - dt.timedelta(minutes=10)).isoformat()
    line = _line("AGAIN", "10.00", sold, deal=deal["number"])
    assert (
        world["a_api"].post("/api/v1/sales/", {"lines": [line]}, format="json").status_code == 201
    )
    DealRegistration.objects.filter(pk=deal["id"]).update(
        status="expired", protected_until=today - dt.timedelta(days=2)
    )
    again = world["a_api"].post("/api/v1/sales/", {"lines": [line]}, format="json")
    assert again.status_code == 200 and again.json()["duplicates"] == 1
    other = {**line, "external_id": "NEW"}
    refused = world["a_api"].post("/api/v1/sales/", {"lines": [other]}, format="json")
    assert _errors(refused) == [("lines.0.deal", "deal_not_protected")]
