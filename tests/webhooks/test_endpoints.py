"""Endpoints: the published signature, secrets shown once and rotated with a 24 h overlap,
https in production, and the SSRF guard when saving and when delivering."""

import base64
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from standardwebhooks import Webhook

from portal import events
from tests.factories import DealerFactory, DealerUserFactory, StaffUserFactory
from webhooks.addresses import address_is_public, url_check
from webhooks.models import WebhookAttempt, WebhookEndpoint
from webhooks.services import deliveries, endpoints
from webhooks.signing import headers_sign

pytestmark = pytest.mark.django_db

PRODUCTION = {"WEBHOOK_REQUIRE_HTTPS": True, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": False}


def test_the_signature_matches_the_published_test_vector():
    # Standard Webhooks' published vector (the specification's reference libraries)
    headers = headers_sign(
        msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
        body='{"test": 2432232314}',
        secrets_=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        at=dt.datetime.fromtimestamp(1614265330, dt.UTC),
    )
    assert headers == {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }


def test_a_new_secret_is_whsec_base64_and_shown_once(dealer_user):
    endpoint, secret = endpoints.endpoint_create(
        actor=dealer_user,
        dealer=dealer_user.dealer,
        url="https://erp.example.com/hooks",
        topics=["ticket.opened"],
    )
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    assert endpoint.created_by == f"user:{dealer_user.username}"


def test_during_a_rotation_both_secrets_sign_for_24_hours(dealer_user):
    endpoint, old = endpoints.endpoint_create(
        actor=dealer_user,
        dealer=dealer_user.dealer,
        url="https://erp.example.com/hooks",
        topics=["ticket.opened"],
    )
    now = timezone.now()
    endpoint, new = endpoints.endpoint_rotate_secret(actor=dealer_user, endpoint=endpoint, now=now)
    assert new != old
    body = '{"a":1}'
    signed_at = timezone.now()
    headers = headers_sign(
        msg_id="7", body=body, secrets_=endpoint.signing_secrets(now), at=signed_at
    )
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(body, headers)  # a receiver still on the old secret
    Webhook(new).verify(body, headers)  # and one already on the new
    later = now + endpoints.ROTATION_OVERLAP
    assert endpoint.signing_secrets(later) == [new]


def test_a_dealer_manages_only_its_own_endpoints(dealer_user):
    other = DealerFactory()
    with pytest.raises(PermissionDenied):
        endpoints.endpoint_create(
            actor=dealer_user, dealer=other, url="https://x.example.com/", topics=["ticket.opened"]
        )
    with pytest.raises(PermissionDenied):  # nor the manufacturer's
        endpoints.endpoint_create(
            actor=dealer_user, dealer=None, url="https://x.example.com/", topics=["ticket.opened"]
        )
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("topics", "code"),
    [([], "required"), (["no.such"], "invalid_choice"), (["ticket.opened"] * 2, "duplicate")],
)
def test_topics_are_known_and_named_once(dealer_user, topics, code):
    with pytest.raises(ValidationError) as exc:
        endpoints.endpoint_create(
            actor=dealer_user,
            dealer=dealer_user.dealer,
            url="https://x.example.com/",
            topics=topics,
        )
    assert exc.value.error_dict["topics"][0].code == code


@override_settings(**PRODUCTION)
@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://erp.example.com/hooks", "https_required"),
        ("https://localhost/hooks", "address_not_allowed"),
        ("https://127.0.0.1:8443/hooks", "address_not_allowed"),
        ("https://[::1]/hooks", "address_not_allowed"),
        ("https://10.1.2.3/hooks", "address_not_allowed"),
        ("https://192.168.0.10/hooks", "address_not_allowed"),
        ("https://169.254.169.254/latest/meta-data", "address_not_allowed"),
        ("https://[::ffff:127.0.0.1]/", "address_not_allowed"),
        ("https://user:pw@93.184.216.34/", "credentials"),
        ("ftp://93.184.216.34/", "https_required"),
    ],
)
def test_production_refuses_plain_http_and_non_public_addresses(url, code):
    with pytest.raises(ValidationError) as exc:
        url_check(url)
    assert exc.value.error_dict["url"][0].code == code


@override_settings(**PRODUCTION)
def test_production_accepts_a_public_https_address():
    url_check("https://93.184.216.34/hooks")  # an address literal: no lookup needed


def test_development_and_tests_allow_a_loopback_receiver():
    url_check("http://127.0.0.1:8000/hooks")


def test_address_classification():
    assert address_is_public("93.184.216.34")
    assert not any(
        address_is_public(a)
        for a in (
            "127.0.0.1",
            "10.0.0.1",
            "172.16.0.1",
            "169.254.1.1",
            "::1",
            "fe80::1",
            "0.0.0.0",
            "224.0.0.1",
            "100.64.0.1",
            "fd00::1",
        )
    )


def test_the_guard_runs_again_at_delivery_time(receiver):
    """An endpoint saved while its name resolved to a public address is refused when it
    resolves to a private one at delivery (DNS rebinding): nothing is sent."""
    dealer = DealerFactory()
    _endpoint, receiver.secret = endpoints.endpoint_create(
        actor=StaffUserFactory(is_superuser=True),
        dealer=dealer,
        url=receiver.url,
        topics=["statement.approved"],
    )
    with transaction.atomic():
        event = events.record("statement.approved", {"n": 1}, dealer=dealer)
    events.event_dispatch(event_id=event.pk)
    with override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False):
        deliveries.deliveries_attempt_due()
    assert receiver.count == 0
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and "non-public" in attempt.error


def test_a_suspended_dealer_cannot_change_its_endpoints(dealer_user):
    endpoint, _secret = endpoints.endpoint_create(
        actor=dealer_user,
        dealer=dealer_user.dealer,
        url="https://x.example.com/",
        topics=["ticket.opened"],
    )
    dealer = dealer_user.dealer
    dealer.status = "suspended"
    dealer.save()
    member = DealerUserFactory(membership__dealer=dealer)
    with pytest.raises(PermissionDenied):
        endpoints.endpoint_rotate_secret(actor=member, endpoint=endpoint)
