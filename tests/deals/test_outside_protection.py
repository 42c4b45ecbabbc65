"""Deal registration (DOMAIN.md §12) driven like an outside partner system: the protection
window at its boundaries (manufacturer time, Asia/Shanghai), the one extension, the expiry
command, and sale lines naming a deal. The clock is stopped at fixed instants."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from commissions.models import SaleLine
from deals.models import DealRegistration
from portal.clock import manufacturer_zone
from tests.commissions.factories import product
from tests.deals.factories import key_client, line
from tests.factories import DealerFactory, region_tree

pytestmark = pytest.mark.django_db

URL = "/api/v1/deal-registrations/"
SALES = "/api/v1/sales/"


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=manufacturer_zone())


@pytest.fixture
def world(clock):
    region_tree()
    product("SKU-1")  # line PL-HOME
    line("PL-HOME")
    a = DealerFactory(code="DA")
    clock.set(sh(2026, 12, 2, 10, 0))
    return {"clock": clock, "a": a, "a_api": key_client(a), "maker": key_client()}


def _register(client, **extra):
    body = {
        "customer_name": "深圳市星河科技有限公司",
        "customer_region": "CN-GD-SZ",
        "product_lines": ["PL-HOME"],
        "estimated_amount": "150000.00",
        "expected_close_on": "2027-06-30",
        **extra,
    }
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _approved(world):
    deal = _register(world["a_api"])
    response = world["maker"].post(f"{URL}{deal['id']}/approve/")
    assert response.status_code == 200, response.json()
    return response.json()


def _sale(ext, sold_at, deal):
    return {
        "external_id": ext,
        "sku": "SKU-1",
        "quantity": "1",
        "amount": "100.00",
        "currency": "CNY",
        "sold_at": sold_at,
        "ship_to_region": "CN-GD-SZ",
        "deal": deal,
    }


def _codes(response):
    return [(e["attr"], e["code"]) for e in response.json()["errors"]]


def _expire(now, *extra):
    out = StringIO()
    call_command("expire_deal_registrations", "--now", now, *extra, stdout=out)
    return out.getvalue()


def test_approved_on_2_december_is_protected_through_2_march_shanghai(world):
    deal = _approved(world)
    assert deal["protected_until"] == "2027-03-02"
    assert deal["days_left"] == 90
    world["clock"].set(sh(2027, 3, 4, 9, 0))  # reported later, before any expiry run
    inside = _sale("IN", "2027-03-02T23:59:59+08:00", deal["number"])
    # 2027-03-02 16:00 UTC is 2027-03-03 00:00 in Shanghai: the day after the last one
    outside = _sale("OUT", "2027-03-02T16:00:00Z", deal["number"])
    refused = world["a_api"].post(SALES, {"lines": [inside, outside]}, format="json")
    assert _codes(refused) == [("lines.1.deal", "deal_not_protected")]
    assert not SaleLine.objects.exists()
    accepted = world["a_api"].post(SALES, {"lines": [inside]}, format="json")
    assert accepted.status_code == 201, accepted.json()


def test_days_left_counts_down_to_zero_on_the_last_day(world):
    deal = _approved(world)
    world["clock"].set(sh(2027, 3, 2, 23, 59, 59))
    assert world["a_api"].get(f"{URL}{deal['id']}/").json()["days_left"] == 0


def test_a_naive_now_of_the_expiry_command_is_manufacturer_time(world):
    """Operators in the manufacturer's office type the local time: 23:00 on the last day
    is still protected (read as UTC it would be 07:00 on the next day in Shanghai)."""
    deal = _approved(world)
    assert "0 deal registration(s) expired" in _expire("2027-03-02T23:00:00")
    assert DealRegistration.objects.get(pk=deal["id"]).status == "approved"
    assert "1 deal registration(s) expired" in _expire("2027-03-03T00:00:00")


def test_a_sale_made_while_protected_is_accepted_after_the_expiry_run(world):
    """Protection is judged at ``sold_at``: a line reported after the daily job expired the
    registration still earns its deal when it was sold inside the window."""
    deal = _approved(world)
    _expire("2027-03-03T00:20:00+08:00")
    assert DealRegistration.objects.get(pk=deal["id"]).status == "expired"
    world["clock"].set(sh(2027, 3, 5, 9, 0))
    inside = _sale("LATE-IN", "2027-03-02T18:00:00+08:00", deal["number"])
    response = world["a_api"].post(SALES, {"lines": [inside]}, format="json")
    assert response.status_code == 201, response.json()
    assert SaleLine.objects.get(external_id="LATE-IN").deal_id == deal["id"]
    outside = _sale("LATE-OUT", "2027-03-03T09:00:00+08:00", deal["number"])
    refused = world["a_api"].post(SALES, {"lines": [outside]}, format="json")
    assert _codes(refused) == [("lines.0.deal", "deal_not_protected")]


def test_the_extension_asked_twice_is_refused_and_granted_once(world):
    deal = _approved(world)
    world["clock"].set(sh(2027, 3, 2, 23, 0))  # the last day: still in time
    asked = world["a_api"].post(f"{URL}{deal['id']}/extend/", {"reason": "tender"}, format="json")
    assert asked.status_code == 200 and asked.json()["extension"] == "requested"
    again = world["a_api"].post(f"{URL}{deal['id']}/extend/", {"reason": "x"}, format="json")
    assert again.status_code == 400 and _codes(again) == [("extension", "extension_used")]
    granted = world["maker"].post(f"{URL}{deal['id']}/extend/", {"grant": True}, format="json")
    assert granted.json()["protected_until"] == "2027-04-01"
    # the extended window is honoured by the sale lines and the expiry command
    assert "0 deal registration(s) expired" in _expire("2027-04-01T23:59:59+08:00")
    after_grant = world["a_api"].post(f"{URL}{deal['id']}/extend/", {}, format="json")
    assert _codes(after_grant) == [("extension", "extension_used")]


def test_an_extension_asked_after_the_last_day_is_refused(world):
    deal = _approved(world)
    world["clock"].set(sh(2027, 3, 3, 0, 0))  # not yet expired by the job, but too late
    late = world["a_api"].post(f"{URL}{deal['id']}/extend/", {"reason": "late"}, format="json")
    assert late.status_code == 400 and _codes(late) == [("extension", "protection_ended")]
    assert DealRegistration.objects.get(pk=deal["id"]).extension == ""
    _expire("2027-03-03T00:20:00+08:00")
    expired = world["a_api"].post(f"{URL}{deal['id']}/extend/", {}, format="json")
    assert expired.status_code == 400 and _codes(expired) == [("status", "invalid_status")]
    granted = world["maker"].post(f"{URL}{deal['id']}/extend/", {}, format="json")
    assert granted.status_code == 400
    assert DealRegistration.objects.get(pk=deal["id"]).protected_until == dt.date(2027, 3, 2)


def test_a_declined_extension_cannot_be_asked_again(world):
    deal = _approved(world)
    world["a_api"].post(f"{URL}{deal['id']}/extend/", {"reason": "tender"}, format="json")
    declined = world["maker"].post(f"{URL}{deal['id']}/extend/", {"grant": False}, format="json")
    assert declined.json()["extension"] == "declined"
    assert declined.json()["protected_until"] == "2027-03-02"
    again = world["a_api"].post(f"{URL}{deal['id']}/extend/", {"reason": "x"}, format="json")
    assert _codes(again) == [("extension", "extension_used")]


def test_an_extension_of_a_registration_not_yet_approved_is_refused(world):
    deal = _register(world["a_api"])
    response = world["a_api"].post(f"{URL}{deal['id']}/extend/", {"reason": "x"}, format="json")
    assert response.status_code == 400 and _codes(response) == [("status", "invalid_status")]


def test_only_an_approved_or_won_deal_protects_a_sale(world):
    waiting = _register(world["a_api"], customer_name="等待公司")
    won = _approved(world)
    world["clock"].set(sh(2026, 12, 10, 9, 0))
    assert world["a_api"].post(f"{URL}{won['id']}/won/").json()["status"] == "won"
    sold = "2026-12-09T10:00:00+08:00"
    refused = world["a_api"].post(
        SALES, {"lines": [_sale("W-1", sold, waiting["number"])]}, format="json"
    )
    assert _codes(refused) == [("lines.0.deal", "deal_not_protected")]
    # a won deal keeps protecting the sales of its window, and only those
    world["clock"].set(sh(2027, 3, 10, 9, 0))
    lines = [
        _sale("W-2", sold, won["number"]),
        _sale("W-3", "2027-03-03T08:00:00+08:00", won["number"]),
    ]
    response = world["a_api"].post(SALES, {"lines": lines}, format="json")
    assert _codes(response) == [("lines.1.deal", "deal_not_protected")]
    accepted = world["a_api"].post(SALES, {"lines": lines[:1]}, format="json")
    assert accepted.status_code == 201, accepted.json()


@pytest.mark.parametrize("grant", [True, False])
def test_an_extension_asked_on_the_last_day_is_decided_after_the_nightly_expiry(world, grant):
    """Asked at 23:00 on the last day, the extension is still waiting when the job runs at
    00:20: the registration stays approved (unprotected past its last day) until staff
    decide; granted it runs 30 more days, declined the next run expires it."""
    deal = _approved(world)
    world["clock"].set(sh(2027, 3, 2, 23, 0))
    world["a_api"].post(f"{URL}{deal['id']}/extend/", {"reason": "tender"}, format="json")
    assert "0 deal registration(s) expired" in _expire("2027-03-03T00:20:00+08:00")
    world["clock"].set(sh(2027, 3, 3, 9, 0))
    decided = world["maker"].post(f"{URL}{deal['id']}/extend/", {"grant": grant}, format="json")
    assert decided.status_code == 200, decided.json()
    expected = ("approved", "2027-04-01") if grant else ("declined", "2027-03-02")
    assert (decided.json()["extension"], decided.json()["protected_until"]) == expected
    _expire("2027-03-04T00:20:00+08:00")
    status = DealRegistration.objects.get(pk=deal["id"]).status
    assert status == ("approved" if grant else "expired")
