"""The portal page /webhooks/: a dealer's own endpoints; the secret shown once."""

import pytest

from tests.factories import DealerFactory, StaffUserFactory
from webhooks.models import WebhookEndpoint
from webhooks.services import endpoints

pytestmark = pytest.mark.django_db


def test_a_dealer_creates_an_endpoint_and_sees_its_secret_once(client, dealer_user):
    client.force_login(dealer_user)
    assert client.get("/webhooks/").status_code == 200
    response = client.post(
        "/webhooks/",
        {"url": "https://erp.example.com/hooks", "topics": ["statement.approved", "ticket.opened"]},
    )
    assert response.status_code == 201
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.dealer == dealer_user.dealer
    assert endpoint.secret in response.content.decode()
    page = client.get("/webhooks/").content.decode()
    assert "erp.example.com" in page and endpoint.secret not in page
    rotated = client.post(f"/webhooks/{endpoint.pk}/rotate/")
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated.content.decode()


def test_bad_input_keeps_the_form_with_its_errors(client, dealer_user):
    client.force_login(dealer_user)
    response = client.post("/webhooks/", {"url": "https://erp.example.com/hooks", "topics": []})
    assert response.status_code == 400 and not WebhookEndpoint.objects.exists()


def test_another_dealer_s_endpoint_is_404(client, dealer_user):
    theirs, _secret = endpoints.endpoint_create(
        actor=StaffUserFactory(is_superuser=True),
        dealer=DealerFactory(),
        url="https://x.example.com/",
        topics=["ticket.opened"],
    )
    client.force_login(dealer_user)
    assert client.post(f"/webhooks/{theirs.pk}/rotate/").status_code == 404
    assert client.post(f"/webhooks/{theirs.pk}/toggle/").status_code == 404
    assert "x.example.com" not in client.get("/webhooks/").content.decode()
