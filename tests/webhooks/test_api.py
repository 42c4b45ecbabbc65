"""``/api/v1/webhook-endpoints/`` (with ``deliveries``): the house's API conventions, tenant
isolation (another dealer's endpoint is 404), the secret shown once, replay actions."""

import pytest
from django.db import transaction
from django.test import override_settings

from portal import events
from tests.factories import DealerFactory
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import deliveries, endpoints

pytestmark = pytest.mark.django_db
URL = "/api/v1/webhook-endpoints/"


def create(client, **data):
    payload = {"url": "https://erp.example.com/hooks", "topics": ["statement.approved"], **data}
    return client.post(URL, payload, format="json")


def test_a_dealer_key_creates_its_endpoint_and_sees_the_secret_once(dealer, dealer_client):
    response = create(dealer_client, description="ERP")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["dealer"] == dealer.code
    detail = dealer_client.get(f"{URL}{body['id']}/").json()
    assert "secret" not in detail and detail["topics"] == ["statement.approved"]
    assert "secret" not in dealer_client.get(URL).json()["results"][0]


def test_another_dealer_s_endpoint_is_404(dealer, other_dealer, dealer_client, other_dealer_client):
    endpoint_id = create(dealer_client).json()["id"]
    for path in ("", "deliveries/"):
        assert other_dealer_client.get(f"{URL}{endpoint_id}/{path}").status_code == 404
    for action in ("rotate-secret", "disable", "replay"):
        response = other_dealer_client.post(f"{URL}{endpoint_id}/{action}/", {"after": 0})
        assert response.status_code == 404
    assert other_dealer_client.get(URL).json()["results"] == []
    # naming another dealer when creating: "does not exist", nothing created
    response = create(other_dealer_client, dealer=dealer.code)
    assert response.status_code == 400
    assert WebhookEndpoint.objects.filter(dealer=other_dealer).count() == 0


def test_the_manufacturer_creates_its_own_and_dealers_endpoints(dealer, manufacturer_client):
    own = create(manufacturer_client).json()
    assert own["dealer"] is None
    theirs = create(manufacturer_client, dealer=dealer.code).json()
    assert theirs["dealer"] == dealer.code


def test_a_dealer_cannot_see_the_manufacturer_s_endpoints(dealer_client, manufacturer_client):
    endpoint_id = create(manufacturer_client).json()["id"]
    assert dealer_client.get(f"{URL}{endpoint_id}/").status_code == 404


def test_rotating_answers_the_new_secret_once(dealer_client):
    created = create(dealer_client).json()
    rotated = dealer_client.post(f"{URL}{created['id']}/rotate-secret/").json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert rotated["previous_secret_expires_at"]


@override_settings(WEBHOOK_REQUIRE_HTTPS=True, WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
def test_bad_input_is_a_400_with_field_and_code(dealer_client):
    response = create(dealer_client, url="http://erp.example.com/hooks")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("url", "https_required")
    response = create(dealer_client, url="https://10.0.0.8/hooks")
    assert response.json()["errors"][0]["code"] == "address_not_allowed"
    response = create(dealer_client, url="https://93.184.216.34/hooks", topics=["nope"])
    assert response.json()["errors"][0]["attr"] == "topics"
    assert not WebhookEndpoint.objects.exists()


def test_deliveries_with_attempts_and_replays(dealer, dealer_client, receiver):
    created = create(dealer_client, url=receiver.url).json()
    receiver.secret = created["secret"]
    with transaction.atomic():
        event = events.record("statement.approved", {"statement": 1}, dealer=dealer)
    events.event_dispatch(event_id=event.pk)
    deliveries.deliveries_attempt_due()
    listed = dealer_client.get(f"{URL}{created['id']}/deliveries/").json()["results"]
    assert len(listed) == 1
    delivery = listed[0]
    assert delivery["webhook_id"] == str(event.pk) and delivery["status"] == "succeeded"
    assert delivery["attempts"][0]["status_code"] == 200
    response = dealer_client.post(f"{URL}{created['id']}/deliveries/{delivery['id']}/replay/")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    deliveries.deliveries_attempt_due()
    assert [r.webhook_id for r in receiver.received] == [str(event.pk)] * 2
    response = dealer_client.post(f"{URL}{created['id']}/replay/", {"after": event.pk - 1})
    assert response.status_code == 202 and response.json() == {"queued": 1}


def test_the_list_takes_a_constant_number_of_queries(
    manufacturer_client, django_assert_max_num_queries
):
    actor_dealers = [DealerFactory() for _ in range(6)]
    for d in actor_dealers[:2]:
        create(manufacturer_client, dealer=d.code)
    with django_assert_max_num_queries(6):
        assert len(manufacturer_client.get(URL).json()["results"]) == 2
    for d in actor_dealers[2:]:
        create(manufacturer_client, dealer=d.code)
    with django_assert_max_num_queries(6):
        assert len(manufacturer_client.get(URL).json()["results"]) == 6


def test_the_deliveries_list_takes_a_constant_number_of_queries(
    dealer, dealer_client, receiver, django_assert_max_num_queries
):
    created = create(dealer_client, url=receiver.url).json()
    endpoint = WebhookEndpoint.objects.get(pk=created["id"])

    def add(n):
        for _ in range(n):
            with transaction.atomic():
                event = events.record("statement.approved", {}, dealer=dealer)
            events.event_dispatch(event_id=event.pk)
        deliveries.deliveries_attempt_due()

    add(2)
    with django_assert_max_num_queries(8):
        dealer_client.get(f"{URL}{endpoint.pk}/deliveries/")
    add(5)
    with django_assert_max_num_queries(8):
        rows = dealer_client.get(f"{URL}{endpoint.pk}/deliveries/").json()["results"]
    assert len(rows) == 7 == WebhookDelivery.objects.count()


def test_a_dealer_user_in_the_browser_uses_the_same_api(dealer_user, api_client):
    api_client.force_authenticate(dealer_user)
    assert create(api_client).status_code == 201
    assert endpoints.endpoint_owners(WebhookEndpoint.objects.get()) == [dealer_user]
