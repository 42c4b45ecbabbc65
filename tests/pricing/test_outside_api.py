"""Pricing (DOMAIN.md §13) driven like an outside partner system: guides created through
`/api/v1/price-guides/` ahead of their instant, sales posted to `/api/v1/sales/` and their
`sales.recorded` event delivered; the 0.5 % tolerance to the cent, nested regional guides
and two guides on one day; promotions only inside the dealer's territories and decided by
the region's channel manager; malformed bodies are a 400 with field and code."""

import datetime as dt
from decimal import Decimal as D

import pytest
from rest_framework.test import APIClient

from portal import events
from portal.models import Event
from pricing.models import (
    Campaign,
    PriceBreach,
    PriceCheck,
    PriceGuide,
    PricingTicket,
    Promotion,
)
from tests.conflicts.factories import defaults as sla_defaults
from tests.factories import StaffUserFactory, TerritoryFactory, region_tree
from tests.pricing.factories import campaign, product, sh, territory

pytestmark = pytest.mark.django_db

GUIDES = "/api/v1/price-guides/"
PROMOTIONS = "/api/v1/promotions/"
CAMPAIGNS = "/api/v1/campaigns/"


@pytest.fixture
def shop(clock, dealer, dealer_client, manufacturer_client):
    sla_defaults()
    region_tree()
    product("P-1")
    clock.set(sh(2026, 10, 1, 9, 0))
    return {"clock": clock, "dealer": dealer, "api": dealer_client, "maker": manufacturer_client}


def deliver_sales_events():
    """The outbox's delivery, as the worker does it after commit."""
    for event in Event.objects.filter(topic="sales.recorded", dispatched_at__isnull=True):
        events.event_dispatch(event_id=event.pk)


def _guide(shop, floor, when, region=None, list_price="1000.00"):
    body = {"sku": "P-1", "effective_from": when, "list_price": list_price, "floor_price": floor}
    if region:
        body["region"] = region
    response = shop["maker"].post(GUIDES, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _sell(shop, lines, at=None):
    """Post a batch at ``at`` (default 20 November) and deliver its event; the floors and
    verdicts recorded for it, by external id."""
    shop["clock"].set(at or sh(2026, 11, 20, 9, 0))
    body = {
        "lines": [
            {
                "external_id": ref,
                "sku": "P-1",
                "quantity": str(quantity),
                "amount": amount,
                "sold_at": sold_at,
                "ship_to_region": region,
            }
            for ref, quantity, amount, sold_at, region in lines
        ]
    }
    response = shop["api"].post("/api/v1/sales/", body, format="json")
    assert response.status_code == 201, response.json()
    deliver_sales_events()
    breaches = {b.sale_line.external_id: b for b in PriceBreach.objects.select_related("sale_line")}
    return {
        check.sale_line.external_id: (
            check.breach,
            breaches[check.sale_line.external_id].effective_floor
            if check.sale_line.external_id in breaches
            else None,
        )
        for check in PriceCheck.objects.select_related("sale_line")
    }


def _errors(response):
    return [(e["attr"], e["code"]) for e in response.json()["errors"]]


def test_the_tolerance_is_half_a_percent_of_the_floor_to_the_cent(shop):
    _guide(shop, "900.00", "2026-11-01T00:00:00+08:00")
    noon = "2026-11-15T12:00:00+08:00"
    verdicts = _sell(
        shop,
        [
            ("EDGE", 2, "1791.00", noon, "CN-GD-SZ"),  # 895.50: exactly 0.5 % below
            ("CENT", 2, "1790.98", noon, "CN-GD-SZ"),  # 895.49: a cent more
            ("THIRDS", 3, "2686.49", noon, "CN-GD-SZ"),  # 895.4966…
            ("FLOOR", 1, "900.00", noon, "CN-GD-SZ"),
        ],
    )
    assert verdicts == {
        "EDGE": (False, None),
        "CENT": (True, D("900.00")),
        "THIRDS": (True, D("900.00")),
        "FLOOR": (False, None),
    }
    edge = PriceCheck.objects.get(sale_line__external_id="EDGE")
    assert edge.at_or_above_floor is False  # tolerated, yet below the floor for discipline


def test_the_most_specific_guide_in_effect_applies_in_nested_regions(shop):
    _guide(shop, "900.00", "2026-11-01T00:00:00+08:00")  # everywhere
    _guide(shop, "800.00", "2026-11-01T00:00:00+08:00", region="CN-GD")
    _guide(shop, "700.00", "2026-11-10T00:00:00+08:00", region="CN-GD-SZ")
    _guide(shop, "950.00", "2026-11-12T00:00:00+08:00", region="CN")  # later, wider
    unit = "600.00"  # below every floor: the breach's floor tells which guide applied
    verdicts = _sell(
        shop,
        [
            ("SZ-EARLY", 1, unit, "2026-11-09T23:59:59+08:00", "CN-GD-SZ"),
            ("SZ-LATE", 1, unit, "2026-11-10T00:00:00+08:00", "CN-GD-SZ"),
            ("GZ", 1, unit, "2026-11-15T10:00:00+08:00", "CN-GD-GZ"),
            ("BJ", 1, unit, "2026-11-15T10:00:00+08:00", "CN-BJ"),
            ("BJ-EARLY", 1, unit, "2026-11-05T10:00:00+08:00", "CN-BJ"),
        ],
    )
    assert {ref: floor for ref, (_b, floor) in verdicts.items()} == {
        "SZ-EARLY": D("800.00"),
        "SZ-LATE": D("700.00"),
        "GZ": D("800.00"),
        "BJ": D("950.00"),
        "BJ-EARLY": D("900.00"),
    }


def test_two_guides_on_one_day_switch_at_the_second_instant(shop):
    _guide(shop, "850.00", "2026-11-15T00:00:00+08:00", region="CN-GD")
    _guide(shop, "950.00", "2026-11-15T12:00:00+08:00", region="CN-GD")
    verdicts = _sell(
        shop,
        [
            ("MORNING", 1, "900.00", "2026-11-15T11:59:59+08:00", "CN-GD-SZ"),
            ("NOON", 1, "900.00", "2026-11-15T12:00:00+08:00", "CN-GD-SZ"),
            ("BEFORE", 1, "1.00", "2026-11-14T23:59:59+08:00", "CN-GD-SZ"),
        ],
    )
    assert verdicts == {"MORNING": (False, None), "NOON": (True, D("950.00"))}


def test_a_second_guide_for_the_same_instant_is_refused(shop):
    _guide(shop, "850.00", "2026-11-15T00:00:00+08:00", region="CN-GD")
    body = {
        "sku": "P-1",
        "region": "CN-GD",
        "effective_from": "2026-11-14T16:00:00Z",  # the same instant, another notation
        "list_price": "1000.00",
        "floor_price": "800.00",
    }
    response = shop["maker"].post(GUIDES, body, format="json")
    assert response.status_code == 400
    assert _errors(response) == [("effective_from", "duplicate")]
    assert PriceGuide.objects.count() == 1


@pytest.mark.parametrize(
    "change,field",
    [
        ({"list_price": "-1.00"}, "list_price"),
        ({"floor_price": "-0.01"}, "floor_price"),
        ({"list_price": "1e20"}, "list_price"),
        ({"list_price": "12.345"}, "list_price"),
        ({"list_price": "NaN"}, "list_price"),
        ({"list_price": None}, "list_price"),
        ({"sku": "NOPE"}, "sku"),
        ({"sku": "P-\x001"}, "sku"),
        ({"region": "XX"}, "region"),
        ({"effective_from": "2026-13-01T00:00:00+08:00"}, "effective_from"),
        ({"effective_from": "2026-12-01T00:00:00+25:00"}, "effective_from"),
        ({"effective_from": "0001-01-01T00:00:00+00:00"}, "effective_from"),
        ({"effective_from": 1700000000}, "effective_from"),
    ],
)
def test_a_malformed_guide_is_a_400_naming_its_field(shop, change, field):
    body = {
        "sku": "P-1",
        "effective_from": "2026-11-01T00:00:00+08:00",
        "list_price": "1000.00",
        "floor_price": "900.00",
        **change,
    }
    response = shop["maker"].post(GUIDES, body, format="json")
    assert response.status_code == 400, response.content
    assert [attr for attr, _c in _errors(response)] == [field]
    assert not PriceGuide.objects.exists()


def _promotion_body(**extra):
    return {
        "campaign": "SPRING",
        "discount": "0.10",
        "starts_on": "2026-11-01",
        "ends_on": "2026-11-30",
        "regions": ["CN-GD-SZ"],
        **extra,
    }


def test_a_promotion_is_refused_when_any_region_or_day_lies_outside_the_territories(shop):
    campaign()
    line = product("P-1").product_line
    TerritoryFactory(
        dealer=shop["dealer"],
        region=region_tree()["CN-GD-SZ"],
        product_line=line,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 11, 20),
    )
    for change in (
        {"regions": ["CN-GD-SZ", "CN-GD-GZ"]},  # one region outside
        {"regions": ["CN-GD"]},  # wider than the territory
        {"ends_on": "2026-11-21"},  # the territory ends before the promotion
    ):
        response = shop["api"].post(PROMOTIONS, _promotion_body(**change), format="json")
        assert response.status_code == 400, change
        assert _errors(response) == [("regions", "outside_territory")], change
    assert not Promotion.objects.exists()
    inside = shop["api"].post(PROMOTIONS, _promotion_body(ends_on="2026-11-20"), format="json")
    assert inside.status_code == 201 and inside.json()["status"] == "approved"


def test_a_territory_of_another_product_line_does_not_count(shop):
    campaign()
    TerritoryFactory(
        dealer=shop["dealer"],
        region=region_tree()["CN-GD"],
        product_line=product("P-1").product_line.__class__.objects.create(code="PL-X", name="X"),
        starts_on=dt.date(2026, 1, 1),
    )
    response = shop["api"].post(PROMOTIONS, _promotion_body(), format="json")
    assert _errors(response) == [("regions", "outside_territory")]


def test_a_dealer_key_cannot_submit_a_promotion_for_another_dealer(shop, other_dealer):
    campaign()
    territory(shop["dealer"])
    territory(other_dealer)
    response = shop["api"].post(
        PROMOTIONS, _promotion_body(dealer=other_dealer.code), format="json"
    )
    assert response.status_code in (201, 400)
    assert not Promotion.objects.filter(dealer=other_dealer).exists()


def test_only_a_channel_manager_of_the_promotions_region_decides_it(shop):
    campaign()
    territory(shop["dealer"])
    pending = shop["api"].post(PROMOTIONS, _promotion_body(discount="0.30"), format="json").json()
    assert pending["status"] == "pending"
    gd, bj = (StaffUserFactory(groups=["channel_manager"]) for _ in range(2))
    region_tree()["CN-GD"].channel_managers.add(gd)
    region_tree()["CN-BJ"].channel_managers.add(bj)
    stranger = APIClient()
    stranger.force_authenticate(bj)
    refused = stranger.post(f"{PROMOTIONS}{pending['id']}/approve/", {}, format="json")
    assert refused.status_code == 403
    assert Promotion.objects.get().status == "pending"
    mine = APIClient()
    mine.force_authenticate(gd)
    approved = mine.post(f"{PROMOTIONS}{pending['id']}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


@pytest.mark.parametrize(
    "change,field",
    [
        ({"discount": "1.5"}, "discount"),
        ({"discount": "-0.10"}, "discount"),
        ({"discount": "0.123456"}, "discount"),
        ({"discount": "ten"}, "discount"),
        ({"campaign": "NOPE"}, "campaign"),
        ({"regions": []}, "regions"),
        ({"regions": ["XX"]}, "regions"),
        ({"starts_on": "2026-11-31"}, "starts_on"),
        ({"ends_on": "2026-10-31"}, "ends_on"),
    ],
)
def test_a_malformed_promotion_is_a_400_naming_its_field(shop, change, field):
    campaign()
    territory(shop["dealer"])
    response = shop["api"].post(PROMOTIONS, _promotion_body(**change), format="json")
    assert response.status_code == 400, response.content
    assert [attr for attr, _c in _errors(response)] == [field]
    assert not Promotion.objects.exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"min_discount": "0.30"}, "max_discount"),
        ({"max_discount": "1.01"}, "max_discount"),
        ({"mdf_share": "1.5"}, "mdf_share"),
        ({"ends_on": "2026-11-30"}, "ends_on"),
        ({"regions": []}, "regions"),
        ({"product_lines": []}, "products"),
        ({"code": ""}, "code"),
    ],
)
def test_a_malformed_campaign_is_a_400_naming_its_field(shop, change, field):
    body = {
        "code": "WINTER",
        "name": "Winter",
        "product_lines": ["PL-HOME"],
        "regions": ["CN-GD"],
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-31",
        "min_discount": "0.05",
        "max_discount": "0.20",
        **change,
    }
    response = shop["maker"].post(CAMPAIGNS, body, format="json")
    assert response.status_code == 400, response.content
    assert [attr for attr, _c in _errors(response)] == [field]
    assert not Campaign.objects.exists()


def test_a_retried_promotion_with_the_same_idempotency_key_is_created_once(shop):
    campaign()
    territory(shop["dealer"])
    responses = [
        shop["api"].post(PROMOTIONS, _promotion_body(), format="json", HTTP_IDEMPOTENCY_KEY="p-1")
        for _ in range(2)
    ]
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert Promotion.objects.count() == 1


def test_a_promotion_covers_its_own_dealer_and_its_days_in_manufacturer_time(shop, other_dealer):
    _guide(shop, "900.00", "2026-11-01T00:00:00+08:00")
    campaign()
    territory(shop["dealer"])
    territory(other_dealer)
    mine = shop["api"].post(PROMOTIONS, _promotion_body(discount="0.15"), format="json")
    assert mine.json()["status"] == "approved"  # floor 850.00 for this dealer in November
    verdicts = _sell(
        shop,
        [
            ("LAST-DAY", 2, "1700.00", "2026-11-30T23:59:59+08:00", "CN-GD-SZ"),
            # 30 November 16:00 UTC is 1 December in Shanghai: the promotion has ended
            ("NEXT-DAY", 2, "1700.00", "2026-11-30T16:00:00Z", "CN-GD-SZ"),
            ("ELSEWHERE", 2, "1700.00", "2026-11-15T10:00:00+08:00", "CN-GD-GZ"),
        ],
        at=sh(2026, 12, 2, 9, 0),
    )
    assert verdicts == {
        "LAST-DAY": (False, None),
        "NEXT-DAY": (True, D("900.00")),
        "ELSEWHERE": (True, D("900.00")),
    }
    assert [str(t.month) for t in PricingTicket.objects.order_by("month")] == [
        "2026-11-01",
        "2026-12-01",
    ]
    # another dealer's promotion lowers nobody else's floor
    PriceCheck.objects.all().delete()
    PriceBreach.objects.all().delete()
    Promotion.objects.filter(dealer=shop["dealer"]).update(dealer=other_dealer)
    again = _sell(
        shop,
        [("OTHERS", 2, "1700.00", "2026-11-20T10:00:00+08:00", "CN-GD-SZ")],
        at=sh(2026, 12, 2, 9, 0),
    )
    assert again == {"OTHERS": (True, D("900.00"))}
