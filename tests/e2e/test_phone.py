"""The dealer's pages on a phone (390 px wide): nothing scrolls sideways; wide tables
scroll inside their own box instead."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEALER_PAGES = [
    "/",
    "/dealer/",
    "/dealer/agreement/",
    "/dealer/territories/",
    "/dealer/members/",
    "/dealer/tier/",
    "/dealer/certifications/",
    "/statements/",
    "/sales/upload/",
    "/tickets/",
    "/tickets/new/",
    "/stock/",
    "/stock/upload/",
    "/stock/transfers/",
    "/promotions/",
    "/announcements/",
    "/meetings/",
    "/action-items/",
    "/reviews/",
    "/notifications/",
]

WIDTH = 390
#: the page's width beyond the phone's, in CSS pixels (measured against the fixed width:
#: a mobile browser widens its layout viewport to the content, so innerWidth would hide it)
OVERFLOW = f"() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - {WIDTH}"


def test_dealer_pages_fit_a_390px_phone(browser, live_server):
    call_command("seed_demo", stdout=StringIO())
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": WIDTH, "height": 844},
        has_touch=True,
        locale="zh-CN",
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        login(page, "gz-owner", "demo-pass-2026")
        wide = {}
        for path in DEALER_PAGES:
            response = page.goto(path)
            assert response.status == 200, path
            overflow = page.evaluate(OVERFLOW)
            if overflow > 0:
                wide[path] = overflow
        assert wide == {}, f"pages wider than the phone (px beyond 390): {wide}"
    finally:
        context.close()
