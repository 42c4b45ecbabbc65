"""Local promotions in the browser on a phone (DOMAIN.md §13): a dealer's sales user proposes
a promotion deeper than the campaign allows (a bad discount first: the error, nothing
saved; the preview says it will wait), it waits; the region's channel manager approves it from the home section; the
dealer sees it approved. Every page fits 390 px without scrolling sideways."""

import datetime as dt

import pytest

from portal.clock import manufacturer_today
from pricing.models import Promotion
from tests.e2e.conftest import login, new_page
from tests.factories import (
    PASSWORD,
    DealerFactory,
    DealerUserFactory,
    StaffUserFactory,
    region_tree,
)
from tests.pricing.factories import campaign, product, territory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 390
#: the page's width beyond the phone's (tests/e2e/test_phone.py)
OVERFLOW = f"() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - {WIDTH}"


def _phone(browser, live_server, outside):
    viewport = {"width": WIDTH, "height": 844}
    return new_page(browser, live_server.url, outside, viewport=viewport, has_touch=True)


def test_a_dealer_proposes_and_the_channel_manager_approves_on_a_phone(browser, live_server):
    outside = []
    tree = region_tree()
    product("P-1")
    today = manufacturer_today()
    dealer = DealerFactory(code="PROMO-A", region=tree["CN-GD-SZ"])
    territory(dealer, "CN-GD")
    spring = campaign(
        code="SPRING",
        regions=("CN-GD",),
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=40),
    )
    DealerUserFactory(username="promo-sales", membership__dealer=dealer, membership__role="sales")
    manager = StaffUserFactory(username="cm-gd", groups=["channel_manager"])
    tree["CN-GD"].channel_managers.add(manager)

    # the dealer's sales user: a bad discount is refused, then a 30 % promotion waits
    context, page = _phone(browser, live_server, outside)
    login(page, "promo-sales", PASSWORD)
    assert page.locator("#nav-promotions").count() == 1
    page.goto("/promotions/")
    assert page.locator("[data-campaign='SPRING'] .campaign-range").inner_text() == "5 % – 20 %"
    assert page.evaluate(OVERFLOW) <= 0
    page.select_option("#id_campaign", label=str(spring))
    page.fill("#id_discount", "150")
    page.fill("#id_starts_on", str(today))
    page.fill("#id_ends_on", str(today + dt.timedelta(days=14)))
    page.check("label:has-text('CN-GD-SZ') >> xpath=preceding-sibling::input")
    page.click("#promotion-submit")
    page.wait_for_selector("#error-discount")
    assert not Promotion.objects.exists()
    page.fill("#id_discount", "30")
    # while it is filled in, the page says it would wait (htmx)
    assert "discount range" in page.wait_for_selector("#preview-outside").inner_text()
    page.click("#promotion-submit")
    page.wait_for_selector(".alert-success")
    promotion = Promotion.objects.get()
    assert (promotion.status, promotion.outside) == ("pending", ["discount"])
    row = page.locator(f"#promotion-{promotion.pk}")
    assert "waits for the channel manager" in row.inner_text()
    assert page.evaluate(OVERFLOW) <= 0
    context.close()

    # the channel manager: the home section, then the decision on the Promotions page
    context, page = _phone(browser, live_server, outside)
    login(page, "cm-gd", PASSWORD)
    page.goto("/")
    section = page.locator("#section-promotions")
    assert "PROMO-A" in section.inner_text()
    assert page.evaluate(OVERFLOW) <= 0
    section.locator(f"tr[data-promotion='{promotion.pk}'] a").click()
    page.wait_for_selector("#to-decide")
    assert page.evaluate(OVERFLOW) <= 0
    page.locator(f"#promotion-{promotion.pk} button[name='approve']").click()
    page.wait_for_selector(".alert-success")
    promotion.refresh_from_db()
    assert (promotion.status, promotion.decided_by) == ("approved", "user:cm-gd")
    assert page.locator(f"#promotions-decided #promotion-{promotion.pk}").count() == 1
    context.close()

    # the dealer sees it approved
    context, page = _phone(browser, live_server, outside)
    login(page, "promo-sales", PASSWORD)
    page.goto("/promotions/")
    assert page.locator(f"#promotion-{promotion.pk} [data-status='approved']").count() == 1
    assert page.evaluate(OVERFLOW) <= 0
    context.close()
    assert outside == []
