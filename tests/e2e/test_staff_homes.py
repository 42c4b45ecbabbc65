"""Each staff group at work in a real browser (issue 12, point 4), in English and in
Simplified Chinese, on the demo data: its home shows its own sections with the product's
words, every link of the home and the menus opens (no 403), no time is shown in UTC, and
its main task opens from the home."""

import datetime as dt
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from conflicts.models import Ticket
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-pass-2026"
SHANGHAI = ZoneInfo("Asia/Shanghai")
WIDTH = 1366

#: username → (its home's sections, the glossary words its home shows: English, 简体)
GROUPS = {
    "finance": (["#section-statements"], ["statement"], ["结算单"]),
    "support": (["#section-queue"], ["ticket"], ["工单"]),
    "legal": (["#section-queue"], ["ticket"], ["工单"]),
    "manager": (
        ["#section-applications", "#section-region-alerts", "#section-conflicts"],
        ["application", "stock alert", "region"],
        ["申请", "库存预警", "区域"],
    ),
    "exec": (
        ["#section-sla", "#panel-sales", "#panel-attainment"],
        ["SLA", "dealer"],
        ["SLA", "经销商"],
    ),
}
LANGUAGES = {"en": "en-US", "zh-hans": "zh-CN"}
NOT_PAGES = ("/static/", "/i18n/", "/accounts/logout/")


def _faces(instant: dt.datetime) -> tuple[str, str]:
    """The instant as "YYYY-MM-DD HH:MM" in Shanghai and in UTC."""
    return (
        f"{instant.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
        f"{instant.astimezone(dt.UTC):%Y-%m-%d %H:%M}",
    )


def _assert_ticket_rows_in_shanghai(page, table: str) -> int:
    """Each ticket row of ``table`` shows its resolution due on Shanghai's clock, never on
    UTC's; returns the number of rows checked."""
    rows = page.locator(f"{table} tbody tr")
    checked = 0
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        if cells.count() < 2 or not cells.first.inner_text().strip().isdigit():
            continue
        ticket = Ticket.objects.get(pk=int(cells.first.inner_text()))
        if ticket.resolution_due is None:
            continue
        local, utc = _faces(ticket.resolution_due)
        text = rows.nth(i).inner_text()
        assert local in text, (ticket.pk, local, text)
        assert utc not in text, (ticket.pk, utc, text)
        checked += 1
    return checked


def _assert_no_link_is_refused(page, where: str) -> None:
    links = {
        href
        for href in page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        )
        if href.startswith("/") and not href.startswith(NOT_PAGES)
    }
    assert links, where
    refused = {}
    for link in sorted(links):
        status = page.request.get(link).status
        if status == 403 or status >= 500:
            refused[link] = status
    assert refused == {}, f"{where}: {refused}"


def _main_task(page, username: str) -> None:
    """The group's everyday task, opened from its home."""
    if username == "finance":
        page.locator("#table-statements-to-approve tbody a").first.click()
        page.wait_for_load_state()
        assert page.locator("h1").count() == 1
    elif username in ("support", "legal"):
        page.goto("/admin/conflicts/ticket/")
        assert page.locator("#changelist-filter").count() == 1
        # the queue fits a 1366 px screen: nothing scrolls sideways
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= WIDTH, overflow
        first = page.locator("#result_list tbody tr th a").first
        if first.count():
            first.click()
            page.wait_for_load_state()
            body = page.content()
            assert "&quot;old&quot;" not in body and '{"old"' not in body
    elif username == "manager":
        page.locator("#table-region-applications tbody a").first.click()
        page.wait_for_selector("#application-decisions")
        assert page.locator("#application-approve").count() == 1
        assert page.locator("#application-reject").count() == 1
    else:
        page.goto("/admin/conflicts/ticket/?queue=all")
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= WIDTH, overflow
    assert "Asia/Shanghai" in page.content()


@pytest.mark.parametrize("username", list(GROUPS))
def test_each_staff_group_walks_its_home_and_task(browser, live_server, username):
    call_command("seed_demo", stdout=StringIO())
    sections, english, chinese = GROUPS[username]
    for language, locale in LANGUAGES.items():
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": WIDTH, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(20000)
        try:
            login(page, username, PASSWORD)
            page.wait_for_selector("#dashboard")
            for section in sections:
                assert page.locator(section).count() == 1, (username, language, section)
            text = page.locator("main").inner_text()
            for word in english if language == "en" else chinese:
                assert re.search(re.escape(word), text, re.IGNORECASE), (username, language, word)
            assert page.locator("#time-zone-note").inner_text().count("Asia/Shanghai") == 1
            checked = sum(
                _assert_ticket_rows_in_shanghai(page, table)
                for table in ("#table-queue", "#table-region-conflicts")
                if page.locator(table).count()
            )
            if username in ("support", "legal", "manager"):  # the demo has tickets for each
                assert checked > 0, (username, language)
            _assert_no_link_is_refused(page, f"{username} {language} home")
            _main_task(page, username)
        finally:
            context.close()
