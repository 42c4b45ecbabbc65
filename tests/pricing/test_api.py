"""`price-guides`, `campaigns`, `promotions`; and the §13 breach examples end to end through
`POST /api/v1/sales/` (the outbox event is dispatched after commit)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from collaboration.models import Announcement
from portal.celery import app
from pricing.models import CampaignMaterial, PriceBreach, PriceGuide, PricingTicket, Promotion
from tests.conflicts.factories import defaults as sla_defaults
from tests.factories import DealerFactory, DealerUserFactory, StaffUserFactory, region_tree
from tests.pricing.factories import campaign, guide, product, sh, territory

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.mark.django_db(transaction=True)
def test_the_three_breach_examples_through_the_sales_api(dealer, dealer_client):
    sla_defaults()  # seeded policies are flushed by earlier transactional tests
    region_tree()
    item = product("P-1")
    guide(item, "1000.00", "900.00", sh(2026, 11, 1))
    territory(dealer)
    promoted = campaign()
    response = dealer_client.post(
        "/api/v1/promotions/",
        {
            "campaign": promoted.code,
            "discount": "0.15",
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-30",
            "regions": ["CN-GD-SZ"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "approved"

    def sale(ref, amount, region):
        return {
            "external_id": ref,
            "sku": "P-1",
            "quantity": "2",
            "amount": amount,
            "sold_at": "2026-11-15T10:00:00+08:00",
            "ship_to_region": region,
        }

    lines = [
        sale("BREACH", "1700.00", "CN-GD-GZ"),  # 850.00 < 895.50
        sale("PROMOTED", "1700.00", "CN-GD-SZ"),  # floor 850.00 under the 15 % promotion
        sale("TOLERATED", "1792.00", "CN-GD-GZ"),  # 896.00 ≥ 895.50
    ]
    app.conf.task_always_eager = True
    try:
        response = dealer_client.post("/api/v1/sales/", {"lines": lines}, format="json")
    finally:
        app.conf.task_always_eager = False
    assert response.status_code == 201, response.content

    assert list(PriceBreach.objects.values_list("sale_line__external_id", flat=True)) == ["BREACH"]
    link = PricingTicket.objects.get()
    tickets = dealer_client.get("/api/v1/tickets/", {"category": "pricing"}).json()["results"]
    assert [t["id"] for t in tickets] == [link.ticket_id]


@pytest.mark.django_db
class TestPriceGuides:
    def test_staff_create_a_guide_from_an_instant_to_come(self, manufacturer_client, dealer_client):
        region_tree()
        product("P-1")
        when = (timezone.now() + dt.timedelta(days=3)).isoformat()
        body = {"sku": "P-1", "region": "CN-GD", "effective_from": when,
                "list_price": "950.00", "floor_price": "850.00"}
        response = manufacturer_client.post("/api/v1/price-guides/", body, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["region"] == "CN-GD"
        listed = dealer_client.get("/api/v1/price-guides/", {"sku": "P-1"}).json()["results"]
        assert [g["list_price"] for g in listed] == ["950.00"]

    def test_a_guide_is_never_created_back_in_time(self, manufacturer_client):
        region_tree()
        product("P-1")
        body = {"sku": "P-1", "effective_from": "2026-01-01T00:00:00+08:00",
                "list_price": "950.00", "floor_price": "850.00"}
        response = manufacturer_client.post("/api/v1/price-guides/", body, format="json")
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert (error["attr"], error["code"]) == ("effective_from", "in_past")
        assert not PriceGuide.objects.exists()

    def test_floor_above_list_is_refused(self, manufacturer_client):
        product("P-1")
        when = (timezone.now() + dt.timedelta(days=3)).isoformat()
        body = {"sku": "P-1", "effective_from": when, "list_price": "900.00",
                "floor_price": "950.00"}
        response = manufacturer_client.post("/api/v1/price-guides/", body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "above_list"

    def test_dealers_may_not_write_guides(self, dealer_client):
        product("P-1")
        response = dealer_client.post("/api/v1/price-guides/", {"sku": "P-1"}, format="json")
        assert response.status_code == 403

    def test_the_list_has_a_constant_number_of_queries(
        self, dealer_client, django_assert_max_num_queries
    ):
        region_tree()
        for i in range(5):
            guide(product(f"P-{i}"), "100.00", "90.00", sh(2026, 11, 1), region="CN-GD")
        with django_assert_max_num_queries(6):
            response = dealer_client.get("/api/v1/price-guides/")
        assert len(response.json()["results"]) == 5

    def test_an_unknown_filter_is_a_400(self, dealer_client):
        assert dealer_client.get("/api/v1/price-guides/", {"dealr": "X"}).status_code == 400


def campaign_body(code: str, line: str, region: str) -> dict:
    """A December campaign of one product line in one region, 5–10 % off."""
    return {
        "code": code,
        "name": code.title(),
        "product_lines": [line],
        "regions": [region],
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-31",
        "min_discount": "0.05",
        "max_discount": "0.10",
    }


@pytest.mark.django_db
class TestCampaignsAndPromotions:
    def test_a_new_campaign_is_announced_to_the_dealers_of_its_regions(self, manufacturer_client):
        region_tree()
        ProductLine = product("P-1").product_line
        in_gd = DealerFactory(region=region_tree()["CN-GD-SZ"])
        in_bj = DealerFactory(region=region_tree()["CN-BJ"])
        holder = DealerFactory(region=region_tree()["CN-BJ"])
        territory(holder, "CN-GD-GZ")
        user_gd = DealerUserFactory(membership__dealer=in_gd)
        user_bj = DealerUserFactory(membership__dealer=in_bj)
        body = campaign_body("WINTER", ProductLine.code, "CN-GD")
        response = manufacturer_client.post("/api/v1/campaigns/", body, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["regions"] == ["CN-GD"]
        announcement = Announcement.objects.get(kind="campaign")
        assert announcement.published_at is not None
        assert set(announcement.dealers.all()) >= {in_gd, holder}
        assert user_gd.notifications.filter(kind="announcement").exists()
        assert not user_bj.notifications.filter(kind="announcement").exists()

    def test_a_city_campaign_reaches_the_holder_of_its_province(self, manufacturer_client):
        """The Promotions page shows a Shenzhen campaign to a dealer holding Guangdong; the
        announcement reaches the same dealers (regions nest either way, never siblings)."""
        tree = region_tree()
        line = product("P-1").product_line
        province_holder = DealerFactory(region=tree["CN-BJ"])
        territory(province_holder, "CN-GD")
        in_guangzhou = DealerFactory(region=tree["CN-GD-GZ"])
        body = campaign_body("SZ-ONLY", line.code, "CN-GD-SZ")
        response = manufacturer_client.post("/api/v1/campaigns/", body, format="json")
        assert response.status_code == 201, response.content
        dealers = set(Announcement.objects.get(kind="campaign").dealers.all())
        assert province_holder in dealers
        assert in_guangzhou not in dealers

    def test_materials_are_checked_by_content(self, manufacturer_client):
        region_tree()
        product("P-1")
        the_campaign = campaign()
        url = f"/api/v1/campaigns/{the_campaign.pk}/materials/"
        fake = SimpleUploadedFile("poster.png", b"not an image")
        response = manufacturer_client.post(url, {"file": fake}, format="multipart")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "invalid_type"
        good = SimpleUploadedFile("poster.png", PNG)
        response = manufacturer_client.post(url, {"file": good}, format="multipart")
        assert response.status_code == 201, response.content
        assert CampaignMaterial.objects.get().content_type == "image/png"

    def test_a_promotion_outside_the_range_waits_for_the_channel_manager(
        self, dealer, dealer_client, api_client
    ):
        region_tree()
        product("P-1")
        territory(dealer)
        the_campaign = campaign()
        manager = StaffUserFactory(groups=["channel_manager"])
        region_tree()["CN-GD"].channel_managers.add(manager)
        body = {"campaign": the_campaign.code, "discount": "0.25", "starts_on": "2026-11-01",
                "ends_on": "2026-12-15", "regions": ["CN-GD-SZ"]}
        response = dealer_client.post("/api/v1/promotions/", body, format="json")
        assert response.status_code == 201, response.content
        assert (response.json()["status"], response.json()["outside"]) == (
            "pending", ["discount", "dates"]
        )
        assert manager.notifications.filter(kind="pricing.promotion_pending").exists()
        pk = response.json()["id"]
        # a dealer cannot decide, staff must give a reason to reject
        assert dealer_client.post(f"/api/v1/promotions/{pk}/approve/").status_code == 403
        api_client.force_authenticate(manager)
        response = api_client.post(f"/api/v1/promotions/{pk}/reject/", {}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "required"
        response = api_client.post(
            f"/api/v1/promotions/{pk}/reject/", {"reason": "Too deep"}, format="json"
        )
        assert response.status_code == 200
        assert Promotion.objects.get().status == "rejected"

    def test_a_promotion_outside_the_dealers_territories_is_refused(self, dealer, dealer_client):
        region_tree()
        product("P-1")
        territory(dealer, "CN-GD-SZ")
        body = {"campaign": campaign().code, "discount": "0.10", "starts_on": "2026-11-01",
                "ends_on": "2026-11-30", "regions": ["CN-GD-GZ"]}
        response = dealer_client.post("/api/v1/promotions/", body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "outside_territory"
        assert not Promotion.objects.exists()

    def test_a_dealer_sees_only_its_promotions_in_constant_queries(
        self, dealer, other_dealer, dealer_client, django_assert_max_num_queries
    ):
        region_tree()
        product("P-1")
        the_campaign = campaign()
        for who in (dealer, other_dealer):
            territory(who)
        from tests.pricing.factories import promotion

        for _ in range(3):
            promotion(dealer, the_campaign, D("0.10"))
        promotion(other_dealer, the_campaign, D("0.10"))
        with django_assert_max_num_queries(6):
            body = dealer_client.get("/api/v1/promotions/").json()
        assert {p["dealer"] for p in body["results"]} == {dealer.code}
        assert len(body["results"]) == 3
        other = Promotion.objects.get(dealer=other_dealer)
        assert dealer_client.get(f"/api/v1/promotions/{other.pk}/").status_code == 404
