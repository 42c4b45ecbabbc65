"""The first endpoints on the shared bases: regions and dealers."""

import pytest

from dealers.models import Dealer, Region
from tests.api_mixins import APIResourceTests
from tests.factories import RegionFactory, region_tree

pytestmark = pytest.mark.django_db


class TestRegionsAPI(APIResourceTests):
    url = "/api/v1/regions/"
    lookup_field = "code"
    dealer_scoped = False
    list_max_queries = 6

    def make(self, dealer):
        parent = region_tree()["CN-GD"]
        return RegionFactory(
            code=f"CN-GD-X{Region.objects.count()}", kind="city", parent=parent, time_zone=""
        )

    def create_payload(self, dealer):
        region_tree()
        return {"code": "CN-GD-ST", "name": "Shantou", "kind": "city", "parent": "CN-GD"}

    def update_payload(self, obj):
        return {"name": "Renamed"}


class TestDealersAPI(APIResourceTests):
    url = "/api/v1/dealers/"
    lookup_field = "code"
    list_max_queries = 6

    def make(self, dealer):
        return dealer

    def create_payload(self, dealer):
        return {"code": "NEW1", "name": "New Dealer", "tier": "registered", "region": "CN-GD-SZ"}

    def update_payload(self, obj):
        return {"name": "Renamed Dealer"}

    def test_dealer_key_cannot_create_dealers(self, dealer_client):
        response = dealer_client.post(self.url, self.create_payload(None), format="json")
        assert response.status_code == 403
        assert not Dealer.objects.filter(code="NEW1").exists()

    def test_suspended_dealer_reads_but_cannot_write(self, dealer_client, dealer):
        dealer.status = Dealer.Status.SUSPENDED
        dealer.save()
        assert dealer_client.get(self.url).status_code == 200


def test_region_inherits_time_zone():
    tree = region_tree()
    assert tree["CN-GD-SZ"].effective_time_zone == "Asia/Shanghai"


def test_region_code_must_nest_in_parent(staff_client):
    region_tree()
    response = staff_client.post(
        "/api/v1/regions/",
        {"code": "CN-BJ-X", "name": "x", "kind": "city", "parent": "CN-GD"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "invalid_code",
        "detail": "A region's code starts with its parent's code and a hyphen.",
        "attr": "code",
    }
