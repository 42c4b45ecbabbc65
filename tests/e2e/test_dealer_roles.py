"""Each dealer role (owner, finance, sales, stock) walks its home and main task in a real
browser, in English and in Simplified Chinese (issue 12.5): no time rendered in UTC, no
link in the menu or on the home page to a page the role cannot open, the glossary's words
on the page (docs/glossary.md)."""

import datetime as dt
import re

import pytest

from conflicts.models import Ticket
from portal.models import Notification
from tests.commissions.test_views import statement_for
from tests.conflicts.factories import defaults
from tests.e2e.conftest import login
from tests.factories import PASSWORD, DealerFactory, DealerUserFactory, region_tree

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INSTANT = dt.datetime(2026, 11, 23, 9, 44, tzinfo=dt.UTC)  # 17:44 in Shanghai
SHANGHAI_FACE, UTC_FACE = "17:44", "09:44"

#: per role: the glossary's words its home shows, in English and in zh_Hans
GLOSSARY = {
    "owner": (["Statement", "Ticket", "Stock", "Tier"], ["结算单", "工单", "库存", "等级"]),
    "finance": (["Statement", "Ticket", "commission"], ["结算单", "工单", "佣金"]),
    "sales": (["Ticket", "Tier", "net sales"], ["工单", "等级", "净销售额"]),
    "stock": (["Stock", "Ticket", "Tier"], ["库存", "工单", "等级"]),
}
#: per role: a menu entry it must have, and ones it must not
MENU = {
    "owner": ({"nav-statements", "nav-stock", "nav-tickets", "nav-webhooks"}, set()),
    "finance": ({"nav-statements", "nav-tickets"}, {"nav-stock", "nav-webhooks"}),
    "sales": ({"nav-tickets", "nav-sales-upload"}, {"nav-statements", "nav-stock"}),
    "stock": ({"nav-stock", "nav-transfers", "nav-tickets"}, {"nav-statements"}),
}


@pytest.fixture
def world(db):
    defaults()
    dealer = DealerFactory(code="ROLE1", name="Role Trading", region=region_tree()["CN-GD-SZ"])
    DealerFactory(code="SZ2", name="Shenzhen Neighbour", region=region_tree()["CN-GD-SZ"])
    statement = statement_for(dealer)
    users = {
        role: DealerUserFactory(
            username=f"role-{role}", membership__dealer=dealer, membership__role=role
        )
        for role in MENU
    }
    for user in users.values():
        Notification.objects.create(recipient=user, kind="test", title="Hello", url="")
    Notification.objects.update(created_at=INSTANT)
    return {"dealer": dealer, "statement": statement, "users": users}


def _check_home(page, role, language):
    page.goto("/")
    page.wait_for_selector("#dashboard")
    text = page.locator("body").inner_text()
    assert SHANGHAI_FACE in text and UTC_FACE not in text, (role, language)
    english, chinese = GLOSSARY[role]
    for word in english if language == "en" else chinese:
        assert word.lower() in text.lower(), (role, language, word)
    ids = set(page.locator("#mainnav a[id^='nav-']").evaluate_all("els => els.map(e => e.id)"))
    present, absent = MENU[role]
    assert present <= ids and not (absent & ids), (role, ids)
    links = set(
        page.locator("#mainnav a[href^='/'], #dashboard a[href^='/']").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
    )
    for href in sorted(links):
        if re.match(r"^/(static|accounts/logout)", href):
            continue
        status = page.context.request.get(href).status
        assert status == 200, (role, language, href, status)


def _main_task(page, role, world):
    if role == "owner":  # give a user another role
        finance = world["users"]["finance"]
        page.goto("/dealer/members/")
        form = page.locator(f"form[action='/dealer/members/{finance.membership.pk}/role/']")
        form.locator("select").select_option("sales")
        form.locator("button").click()
        page.wait_for_selector(".alert-success")
        finance.membership.refresh_from_db()
        assert finance.membership.role == "sales"
    elif role == "finance":  # try an amount in the what-if panel, open the statement
        page.goto("/statements/")
        page.fill("#whatif-amount", "50000")
        page.click("#whatif-form button")
        page.wait_for_selector("#whatif-tried")
        page.goto(f"/statements/{world['statement'].pk}/")
        page.wait_for_selector("#dispute-tickets")
    elif role == "sales":  # a channel ticket naming the other dealer by name
        page.goto("/tickets/new/")
        page.select_option("#id_category", "channel")
        page.select_option("#id_counterparty", label="Shenzhen Neighbour (SZ2)")
        page.fill("#id_title", "They sell in our city")
        page.click("#ticket-submit")
        page.wait_for_selector("#thread")
        assert Ticket.objects.get(title="They sell in our city").counterparty.code == "SZ2"
    else:  # stock: the stock page and the transfers
        page.goto("/stock/")
        assert page.locator("h1").count() >= 1
        page.goto("/stock/transfers/")
        assert page.context.request.get("/statements/").status == 403


@pytest.mark.parametrize("role", ["owner", "finance", "sales", "stock"])
def test_each_role_walks_its_home_and_main_task(page, world, role):
    login(page, f"role-{role}", PASSWORD)
    page.wait_for_selector("#dashboard")
    _check_home(page, role, "en")
    _main_task(page, role, world)
    page.select_option("#language-select", "zh-hans")
    page.wait_for_load_state("networkidle")
    _check_home(page, role, "zh-hans")
