"""Each staff group's home (issue 12, point 4): the sections of its own work, a constant
number of queries at two data sizes, and no link on the home or in the menus that ends in
a 403 (or a 500)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissions import services as commission_services
from conflicts.models import Ticket
from dashboards import homes
from dealers.calculations import credit_code_check_character
from inventory.models import StockAlert
from portal.clock import manufacturer_now
from tests.commissions.factories import give_plan, local, plan_p, sale
from tests.conflicts.factories import make_ticket
from tests.dealers.factories import submit_application
from tests.deals.factories import register
from tests.factories import DealerFactory, StaffUserFactory, region_tree
from tests.inventory.factories import ProductFactory
from tests.pricing.factories import campaign, promotion, territory

pytestmark = pytest.mark.django_db

GROUPS = ["finance", "support", "legal", "channel_manager", "executive"]

#: the sections each group's home shows, by HTML id
SECTIONS = {
    "finance": ["section-statements", "section-mdf-claims"],
    "support": ["section-queue"],
    "legal": ["section-queue"],
    "channel_manager": [
        "section-applications",
        "section-region-alerts",
        "section-conflicts",
        "section-deals",
        "section-promotions",
        "section-price-discipline",
    ],
    "executive": [
        "section-sla",
        "section-price-discipline",
        "panel-sales",
        "panel-attainment",
        "panel-escalations",
    ],
}

#: queries per home, whatever the rows: session, user, the user's groups, then per section
#: (statements: rows, count; queue: rows, counts; a channel manager's regions once, then
#: applications: rows, their regions; alerts; conflicts; SLA: resolved, open by state;
#: the overview: regions, sales, latest quarter, top, bottom, tier counts, tiers,
#: escalations, stock alerts), and the navigation's permissions
HOME_QUERIES = {
    "finance": 8,  # + MDF claims to decide
    "support": 7,
    "legal": 7,
    # + deals to decide (rows, product lines), promotions to decide (rows, regions), price
    # discipline (2)
    "channel_manager": 16,
    "executive": 16,  # + price discipline (by region, by dealer)
}


def _credit_code(n: int) -> str:
    first17 = f"91440300{n:09d}"
    return first17 + credit_code_check_character(first17)


@pytest.fixture
def rows(db):
    state = {"n": 0, "plan": None}

    def add(count):
        tree = region_tree()
        state["plan"] = state["plan"] or plan_p()
        for _ in range(count):
            i = state["n"] = state["n"] + 1
            region = tree["CN-GD-SZ"] if i % 2 else tree["CN-BJ"]
            dealer = DealerFactory(code=f"H{i}", region=region)
            give_plan(dealer, state["plan"])
            sale(dealer, "1000.00", local(2026, 10, 5, 10, 0))
            commission_services.statements_build(
                period=local(2026, 10, 1, 0, 0).date(), dealer_ids=[dealer.pk]
            )
            for group in ("support", "legal"):
                ticket = make_ticket(dealer, title=f"{group} {i}", region=region)
                Ticket.objects.filter(pk=ticket.pk).update(group=group, escalation_level=i % 2)
            make_ticket(dealer, category="channel", title=f"channel {i}", region=region)
            submit_application(
                credit_code=_credit_code(i), regions=[region], email=f"a{i}@example.com"
            )
            register(dealer, f"终端客户{i}号", region=region.code)
            state["campaign"] = state.get("campaign") or campaign()
            territory(dealer, region.code)  # a 50 % promotion: outside the range, pending
            promotion(dealer, state["campaign"], "0.50", regions=(region.code,))
            StockAlert.objects.create(
                kind="low",
                region=region,
                product=ProductFactory(sku=f"SKU-H{i}"),
                opened_at=manufacturer_now(),
            )

    return add


@pytest.fixture
def users(db):
    result = {group: StaffUserFactory(groups=[group], username=group) for group in GROUPS}
    region_tree()["CN-GD"].channel_managers.add(result["channel_manager"])
    return result


def _count(client, url="/") -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("group", GROUPS)
def test_each_group_sees_its_own_sections(client, users, rows, group):
    rows(2)
    client.force_login(users[group])
    page = client.get("/").content.decode()
    for section_id in SECTIONS[group]:
        assert f'id="{section_id}"' in page, section_id
    others = {s for g, ids in SECTIONS.items() if g != group for s in ids} - set(SECTIONS[group])
    assert not [s for s in others if f'id="{s}"' in page]


@pytest.mark.parametrize("group", GROUPS)
def test_each_home_has_a_constant_number_of_queries(
    client, users, rows, group, django_assert_max_num_queries
):
    client.force_login(users[group])
    rows(1)
    _count(client)
    few = _count(client)
    rows(5)
    many = _count(client)
    assert few == many, (few, many)
    with django_assert_max_num_queries(HOME_QUERIES[group]):
        client.get("/")


def test_the_support_queue_puts_breached_and_at_risk_first(client, users, rows):
    rows(3)
    now = manufacturer_now()
    late, risky, _calm = Ticket.objects.filter(group="support").order_by("pk")
    Ticket.objects.filter(pk=late.pk).update(resolution_due=now.replace(year=now.year - 1))
    Ticket.objects.filter(pk=risky.pk).update(warning_at=now.replace(year=now.year - 1))
    client.force_login(users["support"])
    response = client.get("/")
    assert [t.pk for t in response.context["queue_tickets"]][:2] == [late.pk, risky.pk]
    assert response.context["queue_counts"]["breached"] == 1
    assert all(t.group == "support" for t in response.context["queue_tickets"])


def test_a_channel_manager_sees_only_their_regions(client, users, rows):
    rows(4)  # H1, H3 in CN-GD-SZ; H2, H4 in CN-BJ
    client.force_login(users["channel_manager"])
    context = client.get("/").context
    assert context["managed_regions"] == ["CN-GD"]
    assert {a.requested_regions.get().code for a in context["region_applications"]} == {"CN-GD-SZ"}
    assert [code for code, _kinds in context["region_stock_alerts"]] == ["CN-GD-SZ"]
    assert {t.dealer.code for t in context["region_conflicts"]} == {"H1", "H3"}
    assert {r.dealer.code for r in context["region_deals"]} == {"H1", "H3"}


def test_the_finance_home_lists_drafts_to_approve(client, users, rows):
    rows(2)
    client.force_login(users["finance"])
    context = client.get("/").context
    assert context["statements_to_approve_count"] == 2
    assert {s.dealer.code for s in context["statements_to_approve"]} == {"H1", "H2"}


def test_a_staff_user_in_no_group_is_told_so(client):
    client.force_login(StaffUserFactory())
    page = client.get("/").content.decode()
    assert 'id="no-sections"' in page


def test_the_registry_is_one_line_per_section():
    keys = [s.key for s in homes.SECTIONS]
    assert len(keys) == len(set(keys))
    assert {g for s in homes.SECTIONS for g in s.groups} == set(GROUPS)


# --- no link that ends in a 403 ---------------------------------------------------------------

HREF = re.compile(r'href="(/[^"#]*)"')
NOT_PAGES = ("/static/", "/i18n/", "/accounts/logout/")


def _links(body: str) -> set[str]:
    return {
        link.replace("&amp;", "&") for link in HREF.findall(body) if not link.startswith(NOT_PAGES)
    }


@pytest.mark.parametrize("group", GROUPS)
def test_no_link_on_a_groups_home_or_menus_ends_in_403(client, users, rows, group):
    rows(2)
    client.force_login(users[group])
    links = _links(client.get("/").content.decode())
    assert "/admin/" in links and "/" in links
    refused = {}
    for link in sorted(links):
        status = client.get(link).status_code
        if status == 403 or status >= 500:
            refused[link] = status
    assert refused == {}, f"{group}: {refused}"


@pytest.mark.parametrize("group", GROUPS)
def test_no_link_on_the_pages_of_a_groups_menu_ends_in_403(client, users, rows, group):
    """One level further: the links on every page the home and the menus lead to."""
    rows(1)
    client.force_login(users[group])
    first = _links(client.get("/").content.decode())
    seen, refused = set(first), {}
    for page in sorted(first):
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in sorted(_links(response.content.decode()) - seen):
            seen.add(link)
            status = client.get(link).status_code
            if status == 403 or status >= 500:
                refused[link] = (page, status)
    assert refused == {}, f"{group}: {refused}"
