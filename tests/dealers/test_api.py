"""API resources of the dealers app: the generic battery plus each resource's rules."""

import datetime

import pytest

from dealers import services
from dealers.models import Agreement, Application, Certification, Territory, Tier
from tests.api_mixins import APIResourceTests
from tests.dealers.factories import CertificationProgramFactory, submit_application
from tests.factories import (
    AgreementFactory,
    DealerUserFactory,
    ProductLineFactory,
    TerritoryFactory,
    region_tree,
    tier,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class TestTerritoriesAPI(APIResourceTests):
    url = "/api/v1/territories/"
    lookup_field = "pk"
    response_lookup_key = "id"
    list_max_queries = 6

    def make(self, dealer):
        return TerritoryFactory(dealer=dealer, exclusive=False)

    def create_payload(self, dealer):
        region_tree()
        ProductLineFactory(code="PL-HOME")
        return {
            "dealer": dealer.code,
            "region": "CN-GD-SZ",
            "product_line": "PL-HOME",
            "starts_on": "2026-01-01",
            "exclusive": True,
        }

    def update_payload(self, obj):
        return {"ends_on": "2030-12-31"}

    def test_conflicting_grant_is_400_naming_the_grant(
        self, manufacturer_client, dealer, other_dealer
    ):
        held = services.territory_grant(
            dealer=other_dealer,
            region=region_tree()["CN-GD"],
            product_line=ProductLineFactory(code="PL-HOME"),
            starts_on=D(2025, 1, 1),
            exclusive=True,
        )
        response = manufacturer_client.post(self.url, self.create_payload(dealer), format="json")
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["code"] == "territory_conflict"
        assert f"territory #{held.pk}" in error["detail"]
        assert Territory.objects.count() == 1

    def test_dealer_key_cannot_grant_itself_territory(self, dealer_client, dealer):
        response = dealer_client.post(self.url, self.create_payload(dealer), format="json")
        assert response.status_code == 403
        assert not Territory.objects.exists()


class TestAgreementsAPI(APIResourceTests):
    url = "/api/v1/agreements/"
    lookup_field = "number"
    list_max_queries = 6

    def make(self, dealer):
        return AgreementFactory(dealer=dealer, status="draft")

    def create_payload(self, dealer):
        return {
            "number": "AG-NEW-1",
            "dealer": dealer.code,
            "starts_on": "2026-12-01",
            "quarterly_target": "800000.00",
            "annual_target": "3000000.00",
        }

    def update_payload(self, obj):
        return {"quarterly_target": "900000.00"}

    def test_activate_and_only_one_active(self, manufacturer_client, dealer):
        from tests.dealers.test_lifecycle import complete_draft

        incomplete = self.make(dealer)
        response = manufacturer_client.post(f"{self.detail_url(incomplete)}activate/")
        assert response.status_code == 400
        errors = {(e["attr"], e["code"]) for e in response.json()["errors"]}
        assert ("commission_plan", "agreement_incomplete") in errors
        first, second = complete_draft(dealer, incomplete), complete_draft(dealer, self.make(dealer))
        response = manufacturer_client.post(f"{self.detail_url(first)}activate/")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "active"
        response = manufacturer_client.post(f"{self.detail_url(second)}activate/")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "agreement_already_active"
        second.refresh_from_db()
        assert second.status == "draft"

    def test_dealer_cannot_activate(self, dealer_client, dealer):
        draft = self.make(dealer)
        response = dealer_client.post(f"{self.detail_url(draft)}activate/")
        assert response.status_code == 403
        draft.refresh_from_db()
        assert draft.status == "draft"

    def test_status_is_read_only(self, manufacturer_client, dealer):
        draft = self.make(dealer)
        manufacturer_client.patch(self.detail_url(draft), {"status": "active"}, format="json")
        draft.refresh_from_db()
        assert draft.status == Agreement.Status.DRAFT


class TestTiersAPI(APIResourceTests):
    url = "/api/v1/tiers/"
    lookup_field = "code"
    dealer_scoped = False
    list_max_queries = 5

    def make(self, dealer):
        rank = (Tier.objects.order_by("-rank").values_list("rank", flat=True).first() or 0) + 1
        return Tier.objects.create(code=f"t{rank}", name=f"Tier {rank}", rank=rank)

    def create_payload(self, dealer):
        return {
            "code": "platinum",
            "name": "Platinum",
            "rank": 99,
            "min_certified_users": 8,
            "min_trailing_sales": "9000000.00",
        }

    def update_payload(self, obj):
        return {"name": "Renamed tier"}


class TestCertificationsAPI(APIResourceTests):
    url = "/api/v1/certifications/"
    lookup_field = "pk"
    response_lookup_key = "id"
    list_max_queries = 6

    def make(self, dealer):
        user = DealerUserFactory(membership__dealer=dealer)
        program = CertificationProgramFactory(code="NET-1", level=tier("junior"))
        return services.certification_record(user=user, program=program, passed_on=D(2026, 3, 1))

    def create_payload(self, dealer):
        user = DealerUserFactory(username="certme", membership__dealer=dealer)
        CertificationProgramFactory(code="NET-2", level=tier("senior"), validity_months=12)
        return {
            "user": user.username,
            "program": "NET-2",
            "passed_on": "2026-02-28",
            "score": "91.50",
        }

    def update_payload(self, obj):
        return {"score": "88.00"}

    def test_create_derives_dealer_and_expiry(self, manufacturer_client, dealer):
        response = manufacturer_client.post(self.url, self.create_payload(dealer), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["dealer"], body["expires_on"], body["level"]) == (
            dealer.code,
            "2027-02-28",
            "senior",
        )
        assert Certification.objects.get(pk=body["id"]).dealer == dealer


class TestApplicationsAPI(APIResourceTests):
    url = "/api/v1/applications/"
    lookup_field = "number"
    dealer_can_read = False
    list_max_queries = 8

    def make(self, dealer):
        from tests.dealers.factories import VALID_CODES

        used = set(Application.objects.values_list("credit_code", flat=True))
        code = next((c for c in VALID_CODES if c not in used), None)
        if code is None:  # more rows than valid sample codes: decide older ones first
            Application.objects.filter(status="submitted").update(
                status="rejected", rejection_reason="test"
            )
            code = VALID_CODES[0]
        return submit_application(credit_code=code, email=f"a{Application.objects.count()}@x.cn")

    def test_dealers_see_no_applications(self, dealer_client, dealer):
        self.make(dealer)
        assert self.results(dealer_client.get(self.url)) == []

    def test_creating_through_the_api_points_to_the_form(self, manufacturer_client):
        response = manufacturer_client.post(self.url, {}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "use_apply_form"

    def test_score_approve_and_reject(self, manufacturer_client, dealer):
        tier("registered")
        app = self.make(dealer)
        url = self.detail_url(app)
        response = manufacturer_client.post(
            f"{url}score/", {"capital": 4, "sales": 5, "market": 3, "service": 2}, format="json"
        )
        assert response.status_code == 200, response.content
        assert (response.json()["weighted_score"], response.json()["recommendation"]) == (
            "3.70",
            "approve",
        )
        response = manufacturer_client.post(f"{url}reject/", {"reason": ""}, format="json")
        assert response.status_code == 400
        response = manufacturer_client.post(f"{url}approve/")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "approved"
        assert response.json()["dealer"]
        response = manufacturer_client.post(f"{url}approve/")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "application_decided"


class TestDealerLifecycleAPI:
    def test_manufacturer_suspends_and_dealer_writes_are_refused(
        self, manufacturer_client, dealer, dealer_client
    ):
        response = manufacturer_client.post(
            f"/api/v1/dealers/{dealer.code}/suspend/", {"reason": "audit"}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "suspended"
        response = manufacturer_client.post(f"/api/v1/dealers/{dealer.code}/suspend/")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "invalid_transition"

    def test_dealer_cannot_change_its_own_state(self, dealer_client, dealer):
        response = dealer_client.post(f"/api/v1/dealers/{dealer.code}/terminate/")
        assert response.status_code == 403
        dealer.refresh_from_db()
        assert dealer.status == "active"

    def test_give_notice_sets_dates(self, manufacturer_client, dealer):
        AgreementFactory(dealer=dealer, notice_period_days=30, transition_period_days=10)
        response = manufacturer_client.post(
            f"/api/v1/dealers/{dealer.code}/give-notice/",
            {"given_on": "2026-12-01"},
            format="json",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["status"], body["notice_ends_on"], body["transition_ends_on"]) == (
            "terminating",
            "2026-12-31",
            "2027-01-10",
        )

    def test_tier_progress(self, dealer_client, dealer, other_dealer):
        tier("junior")
        response = dealer_client.get(f"/api/v1/dealers/{dealer.code}/tier-progress/")
        assert response.status_code == 200
        assert response.json()["tier"] == "registered"
        assert response.json()["next_tier"] == "junior"
        assert (
            dealer_client.get(f"/api/v1/dealers/{other_dealer.code}/tier-progress/").status_code
            == 404
        )
