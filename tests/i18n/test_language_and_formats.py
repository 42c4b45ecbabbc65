"""The language switcher remembers the user's choice; numbers and dates per locale."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

from tests.factories import UserFactory

# --- the language switcher -----------------------------------------------------------------


@pytest.mark.django_db
def test_switching_language_saves_the_signed_in_users_preference(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    user.refresh_from_db()
    assert user.preferred_language == "zh-hant"


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"


@pytest.mark.django_db
def test_switching_language_anonymously_still_works(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/apply/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


@pytest.mark.django_db
def test_a_new_browser_gets_the_users_saved_language_not_the_browsers(client):
    user = UserFactory(preferred_language="zh-hant")
    client.force_login(user)
    response = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "zh-hant"
    assert "全部標為已讀" in response.content.decode()  # Mark all as read


@pytest.mark.django_db
def test_the_language_cookie_wins_over_the_saved_preference(client):
    user = UserFactory(preferred_language="zh-hant")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/notifications/")
    assert response.headers["Content-Language"] == "en"


# --- numbers and dates -----------------------------------------------------------------------

LANGUAGES = ["en", "zh-hans", "zh-hant"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_amounts_have_thousands_separators_in_every_language(language):
    """Django's own Chinese formats print 272415.00 (no grouping)."""
    template = Template(
        "{% load humanize portal_format %}{{ v|intcomma }}|{{ v|money:'CNY' }}|{{ n|money }}"
    )
    with translation.override(language):
        text = template.render(
            Context({"v": Decimal("272415.00"), "n": Decimal("1234567.5")})
        )
    assert text == "272,415.00|272,415.00 CNY|1,234,567.50"


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("en", "5 Oct 2026", "2026-10-05"),
        ("zh-hans", "2026年10月5日", "2026-10-05"),
        ("zh-hant", "2026年10月5日", "2026-10-05"),
    ],
)
def test_one_date_style_per_locale(language, long, short):
    with translation.override(language):
        assert formats.date_format(date(2026, 10, 5), "DATE_FORMAT") == long
        assert formats.date_format(date(2026, 10, 5), "SHORT_DATE_FORMAT") == short
