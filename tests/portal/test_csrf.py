"""CSRF: a logged-in browser's POST without the token is refused, in the portal and in the
session-authenticated API (API keys need no token: they are not ambient credentials)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_session_posts_without_the_csrf_token_are_refused(dealer_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(dealer_user)
    assert browser.post("/notifications/read-all/").status_code == 403
    response = browser.post("/api/v1/meetings/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"][0]["detail"]
