"""Keys and sessions (issue 11, item 5): expired keys, throttling of browser sessions and of
the password-reset form, the statement-adjust admin page, the read-only message."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from commissions.models import CommissionStatement
from dealers import services as dealer_services
from tests.factories import (
    ApiKeyFactory,
    DealerFactory,
    DealerUserFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db


def _key_client(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client


# --- expired keys --------------------------------------------------------------------------


def test_expired_key_gets_401():
    api_key, secret = ApiKeyFactory.issue(manufacturer=True)
    client = _key_client(secret)
    assert client.get("/api/v1/regions/").status_code == 200
    api_key.expiry_date = timezone.now() - dt.timedelta(minutes=1)
    api_key.save(update_fields=["expiry_date"])
    response = client.get("/api/v1/regions/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_key_with_future_expiry_works():
    api_key, secret = ApiKeyFactory.issue(manufacturer=True)
    api_key.expiry_date = timezone.now() + dt.timedelta(days=1)
    api_key.save(update_fields=["expiry_date"])
    assert _key_client(secret).get("/api/v1/regions/").status_code == 200


# --- throttling ----------------------------------------------------------------------------


def test_session_api_calls_are_throttled(settings):
    settings.API_SESSION_RATE = "3/min"
    client = APIClient()
    client.force_login(StaffUserFactory(is_superuser=True))
    statuses = [client.get("/api/v1/regions/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/regions/")
    assert int(response["Retry-After"]) > 0
    assert response.json()["errors"][0]["code"] == "throttled"
    # per person: another user is not affected
    other = APIClient()
    other.force_login(StaffUserFactory(is_superuser=True))
    assert other.get("/api/v1/regions/").status_code == 200


def test_password_reset_form_is_throttled_per_address(client, settings, mailoutbox):
    settings.PASSWORD_RESET_RATE = "2/hour"
    StaffUserFactory(username="rita", email="rita@example.com")
    url = reverse("password_reset")
    for _ in range(2):
        assert client.post(url, {"email": "rita@example.com"}).status_code == 302
    response = client.post(url, {"email": "rita@example.com"})
    assert response.status_code == 429
    assert "Too many" in response.content.decode()
    assert len(mailoutbox) == 2


def test_password_reset_form_is_throttled_per_email_across_addresses(
    client, settings, mailoutbox
):
    settings.PASSWORD_RESET_RATE = "2/hour"
    StaffUserFactory(username="rita", email="rita@example.com")
    url = reverse("password_reset")
    for n in range(3):
        client.post(url, {"email": "Rita@Example.com"}, REMOTE_ADDR=f"10.0.0.{n}")
    assert len(mailoutbox) == 2


# --- the statement-adjust admin page -------------------------------------------------------


@pytest.fixture
def statement(db):
    from commissions import services
    from tests.commissions.factories import give_plan, local, plan_p, sale

    dealer = DealerFactory(code="ADJ1")
    give_plan(dealer, plan_p())
    sale(dealer, "1000.00", local(2026, 10, 5, 10, 0))
    services.statements_build(period=dt.date(2026, 10, 1), dealer_ids=[dealer.pk])
    return CommissionStatement.objects.get(dealer=dealer)


@pytest.mark.parametrize("groups", [["support"], ["channel_manager"], []])
def test_statement_adjust_page_refuses_non_finance_staff_before_showing_anything(
    client, statement, groups
):
    client.force_login(StaffUserFactory(groups=groups))
    url = reverse("admin:commissions_statement_adjust", args=[statement.pk])
    response = client.get(url)
    assert response.status_code == 403
    assert "ADJ1" not in response.content.decode()
    response = client.post(url, {"amount": "10.00", "reason": "x"})
    assert response.status_code == 403
    statement.refresh_from_db()
    assert statement.components.filter(kind="adjustment").count() == 0


def test_statement_adjust_page_works_for_finance(client, statement):
    client.force_login(StaffUserFactory(groups=["finance"]))
    url = reverse("admin:commissions_statement_adjust", args=[statement.pk])
    assert client.get(url).status_code == 200


# --- the read-only message says which state and since when ---------------------------------


def _meeting_post(dealer):
    _key, secret = ApiKeyFactory.issue(dealer=dealer)
    return _key_client(secret).post(
        "/api/v1/meetings/", {"title": "Sync", "held_on": "2026-11-01"}, format="json"
    )


def test_suspended_dealer_error_names_state_and_date():
    dealer = DealerFactory()
    dealer_services.dealer_suspend(dealer=dealer)
    dealer.refresh_from_db()
    since = timezone.localtime(dealer.status_changed_at, timezone=dealer_tz()).date()
    response = _meeting_post(dealer)
    assert response.status_code == 403
    error = response.json()["errors"][0]
    assert error["code"] == "dealer_read_only"
    assert "suspended" in error["detail"]
    assert since.isoformat() in error["detail"]


def test_read_only_error_is_translated():
    dealer = DealerFactory()
    dealer_services.dealer_suspend(dealer=dealer)
    _key, secret = ApiKeyFactory.issue(dealer=dealer)
    client = _key_client(secret)
    response = client.post(
        "/api/v1/meetings/",
        {"title": "Sync", "held_on": "2026-11-01"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 403
    detail = response.json()["errors"][0]["detail"]
    assert "暂停" in detail, detail


def test_terminating_dealer_past_notice_error_names_the_dates(settings):
    dealer = DealerFactory()
    dealer.status = dealer.Status.TERMINATING
    dealer.status_changed_at = timezone.now() - dt.timedelta(days=40)
    dealer.notice_ends_on = timezone.localdate() - dt.timedelta(days=10)
    dealer.transition_ends_on = timezone.localdate() + dt.timedelta(days=20)
    dealer.save()
    response = _meeting_post(dealer)
    assert response.status_code == 403
    detail = response.json()["errors"][0]["detail"]
    assert "terminating" in detail
    assert dealer.notice_ends_on.isoformat() in detail
    assert dealer.transition_ends_on.isoformat() in detail


def test_portal_page_of_suspended_dealer_names_state(client):
    user = DealerUserFactory()
    dealer = user.dealer
    dealer_services.dealer_suspend(dealer=dealer)
    client.force_login(user)
    with translation.override("en"):
        response = client.get(reverse("conflicts:open"), follow=True)
    assert "suspended since" in response.content.decode()


def dealer_tz():
    from portal.clock import manufacturer_zone

    return manufacturer_zone()
