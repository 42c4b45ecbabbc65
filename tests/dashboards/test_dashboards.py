"""Dashboard panels fed by the other apps: open escalations and stock alerts by region
(staff); what-if, tier progress, open tickets, stock alerts and the latest statement
(dealers). Dealer scoping and pinned query counts that do not grow with the rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissions.models import CommissionStatement
from conflicts.models import Ticket
from conflicts.selectors import open_escalation_counts_by_region
from inventory.models import StockAlert
from inventory.selectors import open_alerts_for_dealer, stock_alert_counts_by_region
from reviews.models import QuarterlyReview
from tests.collaboration.factories import dealer_user_of
from tests.commissions.factories import give_plan, plan_p
from tests.conflicts.factories import make_ticket
from tests.factories import DealerFactory, StaffUserFactory, region_tree
from tests.inventory.factories import ProductFactory, WarehouseFactory
from tests.reviews.factories import sale

pytestmark = pytest.mark.django_db

#: session, user, membership with its dealer; every panel's rows in one query (sales by month,
#: month to date; action items, announcements, notifications, review to acknowledge; what-if:
#: agreements, plans, steps, tier bonuses, month sales, this month's statement; tier progress:
#: tiers, latest evaluation, certified users; open tickets; stock alerts; latest statement);
#: trailing sales (never evaluated); price discipline by region and by dealer
DEALER_DASHBOARD_QUERIES = 7


@pytest.fixture
def staff(db):
    return StaffUserFactory(is_superuser=True, username="boss")


def _now():
    from portal.clock import manufacturer_now

    return manufacturer_now()


def _escalated(dealer, *, level=1, status=None, region=None, title="escalated"):
    ticket = make_ticket(dealer, title=title, region=region)
    fields = {"escalation_level": level}
    if status:
        fields["status"] = status
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    return ticket


def _alert(kind, region_code, *, product=None, warehouse=None, resolved=False, opened_at=None):
    return StockAlert.objects.create(
        kind=kind,
        region=region_tree()[region_code],
        product=product,
        warehouse=warehouse,
        resolved_at=_now() if resolved else None,
        opened_at=opened_at or _now(),
    )


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# --- staff: open escalations ------------------------------------------------------------------


def _escalation_rows():
    tree = region_tree()
    sz = DealerFactory(code="SZ1", region=tree["CN-GD-SZ"])
    bj = DealerFactory(code="BJ1", region=tree["CN-BJ"])
    _escalated(sz, title="sz L1")
    _escalated(sz, level=2, status=Ticket.Status.WAITING_ON_DEALER, title="sz L2 waiting")
    _escalated(sz, level=0, title="sz not escalated")
    _escalated(sz, status=Ticket.Status.RESOLVED, title="sz resolved")
    _escalated(sz, status=Ticket.Status.CLOSED, title="sz closed")
    _escalated(bj, level=3, status=Ticket.Status.IN_PROGRESS, title="bj L3")
    return sz, bj


def test_open_escalation_counts_by_region_selector():
    _escalation_rows()
    assert open_escalation_counts_by_region() == {"CN-BJ": 1, "CN-GD-SZ": 2}
    assert open_escalation_counts_by_region(region_code="CN-GD") == {"CN-GD-SZ": 2}
    assert open_escalation_counts_by_region(region_code="CN-GD-SZ") == {"CN-GD-SZ": 2}
    assert open_escalation_counts_by_region(region_code="CN-GD-GZ") == {}
    # "CN-B" is not a region prefix of CN-BJ: the subtree is by code segments.
    assert open_escalation_counts_by_region(region_code="CN-B") == {}


def test_staff_dashboard_open_escalations_panel(client, staff):
    _escalation_rows()
    client.force_login(staff)
    response = client.get(reverse("home"))
    assert response.context["escalations"] == [("CN-BJ", 1), ("CN-GD-SZ", 2)]
    page = response.content.decode()
    assert 'id="panel-escalations"' in page and 'id="table-escalations"' in page
    response = client.get(reverse("home"), {"region": "CN-GD"})
    assert response.context["escalations"] == [("CN-GD-SZ", 2)]
    response = client.get(reverse("home"), {"region": "CN-BJ"})
    assert response.context["escalations"] == [("CN-BJ", 1)]


# --- staff: stock alerts by region ------------------------------------------------------------


def _alert_rows():
    tree = region_tree()
    p1, p2 = ProductFactory(sku="SKU-A"), ProductFactory(sku="SKU-B")
    wh_sz = WarehouseFactory(code="WH-SZ", region=tree["CN-GD-SZ"])
    wh_bj = WarehouseFactory(code="WH-BJ", region=tree["CN-BJ"])
    _alert("low", "CN-GD", product=p1)
    _alert("low", "CN-GD", product=p2)
    _alert("over", "CN-GD-SZ", product=p1)
    _alert("stale_data", "CN-GD-SZ", warehouse=wh_sz)
    _alert("stale_data", "CN-BJ", warehouse=wh_bj)
    _alert("low", "CN-BJ", product=p1, resolved=True)  # resolved: not counted
    return p1, p2, wh_sz, wh_bj


def test_staff_dashboard_stock_alerts_by_region_panel(client, staff):
    _alert_rows()
    client.force_login(staff)
    response = client.get(reverse("home"))
    assert response.context["stock_alerts"] == [
        {"region": "CN-BJ", "low": 0, "over": 0, "stale_data": 1},
        {"region": "CN-GD", "low": 2, "over": 0, "stale_data": 0},
        {"region": "CN-GD-SZ", "low": 0, "over": 1, "stale_data": 1},
    ]
    page = response.content.decode()
    assert 'id="panel-stock-alerts"' in page and 'href="/stock/regions/CN-GD-SZ/"' in page
    response = client.get(reverse("home"), {"region": "CN-GD"})
    assert [r["region"] for r in response.context["stock_alerts"]] == ["CN-GD", "CN-GD-SZ"]
    assert stock_alert_counts_by_region(within="CN-BJ") == {
        "CN-BJ": {"low": 0, "over": 0, "stale_data": 1}
    }


def test_staff_dashboard_empty_panels(client, staff):
    client.force_login(staff)
    page = client.get(reverse("home")).content.decode()
    assert "No open escalations." in page and "No open stock alerts." in page


def test_staff_dashboard_query_count_does_not_grow(client, staff, django_assert_max_num_queries):
    def rows(n, offset):
        tree = region_tree()
        regions = ["CN-GD-SZ", "CN-GD-GZ", "CN-BJ"]
        for i in range(n):
            code = regions[i % 3]
            d = DealerFactory(code=f"Q{offset + i}", region=tree[code])
            sale(d, "10.00", _now().replace(tzinfo=None, day=1, hour=12))
            QuarterlyReview.objects.create(dealer=d, quarter="2026Q4", attainment=Decimal(i))
            _escalated(d, level=1 + i % 2, title=f"t{offset + i}")
            wh = WarehouseFactory(code=f"WH-Q{offset + i}", dealer=d, region=tree[code])
            _alert("stale_data", code, warehouse=wh)
            _alert("low", code, product=ProductFactory(sku=f"SKU-Q{offset + i}"))

    rows(2, 0)
    client.force_login(staff)
    client.get(reverse("home"))
    few = _query_count(client, reverse("home"))
    rows(6, 100)
    many = _query_count(client, reverse("home"))
    assert few == many
    # a superuser sees every group's home (dashboards.homes): session, user; statements to
    # approve (2); ticket queue (2: the counts by SLA state, the rows of the one state they
    # fill); applications (2), region alerts, conflicts; SLA (1: its open counts are the
    # queue's); the overview: regions, sales, latest quarter, top, bottom, tier counts,
    # tiers, escalations, stock alerts, price discipline by region and by dealer
    with django_assert_max_num_queries(24):  # + MDF claims to decide, deals to decide (2)
        response = client.get(reverse("home"), {"region": "CN-GD"})
    assert sum(n for _code, n in response.context["escalations"]) == 6  # 2 of 8 in CN-BJ


# --- dealer dashboard -------------------------------------------------------------------------


def _dealer_rows(dealer, other, *, n=1, offset=0):
    """n rows of each kind for ``dealer`` (and as many for ``other`` that must never show)."""
    tree = region_tree()
    now = _now()
    for i in range(n):
        k = offset + i
        mine = make_ticket(dealer, title=f"My ticket {k}")
        Ticket.objects.filter(pk=mine.pk).update(resolution_due=now + dt.timedelta(hours=10 + k))
        theirs = make_ticket(other, title=f"Their ticket {k}")
        Ticket.objects.filter(pk=theirs.pk).update(resolution_due=now + dt.timedelta(hours=1))
        wh = WarehouseFactory(code=f"WH-MINE-{k}", dealer=dealer, region=tree["CN-GD-SZ"])
        _alert("stale_data", "CN-GD-SZ", warehouse=wh)
        wh_other = WarehouseFactory(code=f"WH-THEIRS-{k}", dealer=other, region=tree["CN-BJ"])
        _alert("stale_data", "CN-BJ", warehouse=wh_other)
        _alert("low", "CN-GD", product=ProductFactory(sku=f"SKU-GD-{k}"))
        _alert("low", "CN-BJ", product=ProductFactory(sku=f"SKU-BJ-{k}"))
        for d in (dealer, other):
            CommissionStatement.objects.create(
                dealer=d, period=dt.date(2020 + k // 12, k % 12 + 1, 1), currency="CNY"
            )


@pytest.fixture
def bj_dealer(db):
    return DealerFactory(code="BJ-OTHER", region=region_tree()["CN-BJ"])


def test_dealer_dashboard_open_tickets(client, dealer, bj_dealer):
    now = _now()
    due = {}
    for i, hours in enumerate([30, 5, 50, 20, 40, 10]):
        t = make_ticket(dealer, title=f"Mine {i}")
        Ticket.objects.filter(pk=t.pk).update(resolution_due=now + dt.timedelta(hours=hours))
        due[t.pk] = hours
    done = make_ticket(dealer, title="Mine resolved")
    Ticket.objects.filter(pk=done.pk).update(
        status=Ticket.Status.RESOLVED, resolution_due=now + dt.timedelta(hours=1)
    )
    make_ticket(bj_dealer, title="Not mine")
    channel = make_ticket(bj_dealer, category="channel", counterparty=dealer, title="Against me")
    Ticket.objects.filter(pk=channel.pk).update(
        resolution_due=now - dt.timedelta(hours=1), status=Ticket.Status.IN_PROGRESS
    )
    client.force_login(dealer_user_of(dealer))
    response = client.get(reverse("home"))
    tickets = response.context["open_tickets"]
    # the five soonest due (the overdue counter-party ticket first), resolved ones left out
    assert [t.title for t in tickets] == ["Against me", "Mine 1", "Mine 5", "Mine 3", "Mine 0"]
    assert tickets[0].current_sla_state == "breached"
    page = response.content.decode()
    panel = page[page.index('id="panel-tickets"') : page.index('id="panel-dealer-stock-alerts"')]
    assert f'href="/tickets/{channel.pk}/"' in panel and "counter-party" in panel
    assert "Not mine" not in page and "Mine resolved" not in page and "Mine 4" not in panel
    expected_due = (now + dt.timedelta(hours=5)).strftime("%Y-%m-%d %H:%M")
    assert expected_due in panel and "sla-breached" in panel


def test_dealer_dashboard_stock_alerts_are_the_dealers(client, dealer, bj_dealer):
    tree = region_tree()
    mine = WarehouseFactory(code="WH-MINE", dealer=dealer, region=tree["CN-GD-SZ"])
    old = WarehouseFactory(code="WH-OLD", dealer=dealer, region=tree["CN-BJ"], active=False)
    theirs = WarehouseFactory(code="WH-THEIRS", dealer=bj_dealer, region=tree["CN-BJ"])
    p = ProductFactory(sku="SKU-LOW", name="Router")
    stale = _alert("stale_data", "CN-GD-SZ", warehouse=mine)
    low_gd = _alert("low", "CN-GD", product=p)  # an ancestor of the warehouse's region
    over_sz = _alert("over", "CN-GD-SZ", product=ProductFactory(sku="SKU-OVER"))
    _alert("low", "CN-GD-GZ", product=p)  # a sibling region: not the dealer's
    _alert("low", "CN-BJ", product=p)  # only an inactive warehouse of the dealer there
    _alert("stale_data", "CN-BJ", warehouse=theirs)
    _alert("over", "CN", product=p, resolved=True)
    old_stale = _alert("stale_data", "CN-BJ", warehouse=old)
    assert {a.pk for a in open_alerts_for_dealer(dealer=dealer)} == {
        stale.pk,
        low_gd.pk,
        over_sz.pk,
        old_stale.pk,
    }
    assert list(open_alerts_for_dealer(dealer=DealerFactory(code="NOWH"))) == []
    client.force_login(dealer_user_of(dealer))
    response = client.get(reverse("home"))
    assert {a.pk for a in response.context["stock_alerts"]} == {
        stale.pk,
        low_gd.pk,
        over_sz.pk,
        old_stale.pk,
    }
    page = response.content.decode()
    panel = page[
        page.index('id="panel-dealer-stock-alerts"') : page.index('id="panel-announcements"')
    ]
    assert "WH-MINE" in panel and "SKU-LOW · Router" in panel and "low stock" in panel
    assert "WH-THEIRS" not in panel and "CN-GD-GZ" not in panel


def test_dealer_dashboard_latest_statement(client, dealer, bj_dealer):
    CommissionStatement.objects.create(dealer=dealer, period=dt.date(2026, 9, 1), currency="CNY")
    latest = CommissionStatement.objects.create(
        dealer=dealer, period=dt.date(2026, 10, 1), currency="CNY", total=Decimal("4321.50")
    )
    CommissionStatement.objects.create(
        dealer=bj_dealer, period=dt.date(2026, 11, 1), currency="CNY"
    )
    client.force_login(dealer_user_of(dealer))
    response = client.get(reverse("home"))
    assert response.context["latest_statement"] == latest
    page = response.content.decode()
    assert f'href="/statements/{latest.pk}/" id="latest-statement">2026-10<' in page
    assert "4,321.50 CNY" in page


def test_dealer_dashboard_without_statement_tickets_or_alerts(client, dealer):
    client.force_login(dealer_user_of(dealer))
    response = client.get(reverse("home"))
    assert response.context["latest_statement"] is None
    page = response.content.decode()
    assert "No statements yet." in page and "No open tickets." in page
    assert "No open stock alerts." in page
    assert "No commission plan applies this month." in page


def test_dealer_dashboard_whatif_panel(client, dealer):
    give_plan(dealer, plan_p("whole"))
    sale(dealer, "80000.00", _now().replace(tzinfo=None, day=1, hour=0, minute=5))
    client.force_login(dealer_user_of(dealer))
    response = client.get(reverse("home"))
    whatif = response.context["whatif"]
    assert whatif.result.net_sales == Decimal("80000.00")
    assert whatif.result.amount_to_next == Decimal("20000.00")
    page = response.content.decode()
    assert 'id="whatif-panel"' in page
    assert "Sell 20,000.00 CNY more to reach the 2 % step at 100,000.00" in page


def test_dealer_dashboard_tier_progress(client, dealer):
    from dealers.models import Tier
    from tests.factories import tier

    tier("junior")
    Tier.objects.filter(code="junior").update(
        min_certified_users=2, min_trailing_sales=Decimal("100000.00"), min_score=Decimal("0")
    )
    client.force_login(dealer_user_of(dealer))
    response = client.get(reverse("home"))
    progress = response.context["tier_progress"]
    assert progress["tier"].code == "registered" and progress["next_tier"].code == "junior"
    checks = {c.name: (c.required, c.actual, c.met, c.missing) for c in progress["requirements"]}
    assert checks == {
        "certified_users": (2, 0, False, 2),
        "trailing_sales": (Decimal("100000.00"), Decimal("0.00"), False, Decimal("100000.00")),
    }
    page = response.content.decode()
    panel = page[page.index('id="panel-tier"') : page.index('id="panel-monthly"')]
    assert "Requirements for Junior:" in panel
    row = panel[panel.index("tier-check-trailing_sales") :]
    row = row[: row.index("</tr>")]
    assert "Net sales of the four quarters to" in row and row.count("100,000.00") == 2


def test_tier_progress_never_ticks_a_requirement_without_a_figure(client, dealer):
    """Three states: met, not met, not applicable; a "—" (no score yet) is never a ✓."""
    from dealers.models import Tier
    from tests.factories import tier

    tier("junior")
    Tier.objects.filter(code="junior").update(
        min_certified_users=0, min_trailing_sales=Decimal("0.00"), min_score=Decimal("3.0")
    )
    client.force_login(dealer_user_of(dealer))
    response = client.get(reverse("home"))
    states = {c.name: c.state for c in response.context["tier_progress"]["requirements"]}
    assert states == {
        "certified_users": "not_applicable",
        "trailing_sales": "not_applicable",
        "score": "not_applicable",
    }
    page = response.content.decode()
    panel = page[page.index('id="panel-tier"') :]
    panel = panel[: panel.index("</table>")]
    assert "✓" not in panel and "table-success" not in panel
    assert panel.count("not applicable") == 3
    assert "Users with a valid certification at Junior level or above" in panel
    tier_page = client.get(reverse("dealers:tier")).content.decode()
    assert "✓" not in tier_page and "list-group-item-success" not in tier_page


def test_dealer_dashboard_at_the_highest_tier(client, dealer):
    from dealers.models import Tier

    dealer.tier = Tier.objects.order_by("-rank").first()
    dealer.save()
    client.force_login(dealer_user_of(dealer))
    page = client.get(reverse("home")).content.decode()
    assert "You are at the highest tier." in page


def test_dealer_dashboard_query_count_does_not_grow(
    client, dealer, bj_dealer, django_assert_max_num_queries
):
    give_plan(dealer, plan_p("whole"))
    _dealer_rows(dealer, bj_dealer, n=1)
    client.force_login(dealer_user_of(dealer))
    client.get(reverse("home"))
    few = _query_count(client, reverse("home"))
    _dealer_rows(dealer, bj_dealer, n=6, offset=1)
    many = _query_count(client, reverse("home"))
    assert few == many
    with django_assert_max_num_queries(DEALER_DASHBOARD_QUERIES):
        response = client.get(reverse("home"))
    assert len(response.context["open_tickets"]) == 5
    assert {t.dealer_id for t in response.context["open_tickets"]} == {dealer.pk}
    assert len(response.context["stock_alerts"]) == 10
    assert all(
        a.warehouse_id is None or a.warehouse.dealer_id == dealer.pk
        for a in response.context["stock_alerts"]
    )
    assert {a.region.code for a in response.context["stock_alerts"]} == {"CN-GD", "CN-GD-SZ"}
    assert response.context["latest_statement"].dealer_id == dealer.pk
    assert response.context["latest_statement"].period == dt.date(2020, 7, 1)


@pytest.mark.parametrize(
    "lang,texts",
    [
        ("zh-hans", ["未结工单", "库存预警", "最新佣金结算单", "有效认证的用户", "尚缺"]),
        ("zh-hant", ["未結工單", "庫存預警", "最新佣金結算單", "有效認證的使用者", "尚缺"]),
    ],
)
def test_dealer_dashboard_panels_in_chinese(client, dealer, lang, texts):
    from dealers.models import Tier

    Tier.objects.filter(rank=1).update(min_certified_users=1)
    user = dealer_user_of(dealer)
    user.preferred_language = lang
    user.save()
    client.force_login(user)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    for text in texts:
        assert text in page, text
