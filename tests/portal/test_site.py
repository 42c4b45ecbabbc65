import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from portal.audit import acting_as
from tests.factories import PASSWORD, DealerFactory, DealerUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_staff_groups_exist_with_permissions():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {"channel_manager", "finance", "support", "legal", "executive"} <= names
    assert (
        Group.objects.get(name="channel_manager").permissions.filter(codename="view_user").exists()
    )


@pytest.mark.parametrize("lang,text", [("en", "Log in"), ("zh-hans", "登录"), ("zh-hant", "登入")])
def test_login_page_in_each_language(client, lang, text):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_login_and_dashboard(client):
    user = DealerUserFactory(username="dee")
    response = client.post(reverse("login"), {"username": "dee", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert user.dealer.name in response.content.decode()


def test_failed_logins_lock_the_account(client):
    StaffUserFactory(username="sam")
    for _ in range(5):
        client.post(reverse("login"), {"username": "sam", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "sam", "password": PASSWORD})
    assert response.status_code == 429
    assert "locked" in response.content.decode()


def test_password_reset_sends_a_link(client, mailoutbox):
    StaffUserFactory(username="rita", email="rita@example.com")
    client.post(reverse("password_reset"), {"email": "rita@example.com"})
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_healthz_checks_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_healthz_reports_a_dead_broker(client, settings):
    from portal.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_history_records_user_for_web_changes(client):
    staff = StaffUserFactory(username="boss", is_superuser=True)
    dealer = DealerFactory(code="H1")
    client.force_login(staff)
    response = client.post(
        f"/admin/dealers/dealer/{dealer.pk}/change/",
        {
            "code": "H1",
            "name": "Renamed",
            "status": "active",
            "tier": dealer.tier_id,
            "region": dealer.region_id,
            "currency": "CNY",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = dealer.history.latest()
    assert latest.name == "Renamed"
    assert latest.history_user == staff
    assert latest.history_actor == "user:boss"


def test_history_records_api_key(manufacturer_client):
    dealer = DealerFactory(code="H2")
    manufacturer_client.patch("/api/v1/dealers/H2/", {"name": "Via API"}, format="json")
    latest = dealer.history.latest()
    assert latest.name == "Via API"
    assert latest.history_actor == f"api-key:{manufacturer_client.api_key.prefix}"


def test_history_records_tasks_and_commands():
    dealer = DealerFactory(code="H3")
    with acting_as("task:some.task"):
        dealer.name = "By task"
        dealer.save()
    assert dealer.history.latest().history_actor == "task:some.task"


def test_deploy_check_passes_in_production():
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 64 + "-production-secret-for-the-check-only",
        "DJANGO_ALLOWED_HOSTS": "portal.example.com",
    }
    env.pop("PORTAL_TESTING", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {**os.environ, "DJANGO_ENV": "production"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
