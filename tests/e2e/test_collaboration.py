"""Browser: staff finalise a review with an action item; the dealer acknowledges it and sees
the action item on the dashboard; the staff dashboard's charts render (canvas and table
fallback) in English and Chinese; the dealer's dashboard shows the other apps' panels."""

import datetime as dt

import pytest

from commissions.models import CommissionStatement
from inventory.models import StockAlert
from portal.clock import manufacturer_now
from reviews.models import QuarterlyReview
from tests.conflicts.factories import make_ticket
from tests.e2e.conftest import login
from tests.factories import (
    PASSWORD,
    DealerFactory,
    DealerUserFactory,
    StaffUserFactory,
    region_tree,
)
from tests.inventory.factories import WarehouseFactory
from tests.reviews.factories import sale

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_review_finalise_acknowledge_and_dashboards(page):
    tree = region_tree()
    staff = StaffUserFactory(username="reviewer", is_superuser=True)
    dealer = DealerFactory(code="DEMO-GZ", name="Guangzhou Pearl", region=tree["CN-GD-GZ"])
    owner = DealerUserFactory(username="gz-owner", membership__dealer=dealer)
    sale(dealer, "1500.00", manufacturer_now().replace(tzinfo=None, day=1, hour=12))
    review = QuarterlyReview.objects.create(dealer=dealer, quarter="2026Q3")
    due = (manufacturer_now() + dt.timedelta(days=7)).date().isoformat()

    # Staff: score, add an action item and finalise in the admin.
    login(page, staff.username, PASSWORD)
    page.wait_for_selector("#dashboard")
    page.goto(f"/admin/reviews/quarterlyreview/{review.pk}/change/")
    page.fill("#id_satisfaction_score", "4")
    page.fill("#id_communication_score", "5")
    page.fill("#id_notes", "Good quarter, keep stock data fresh.")
    page.fill("#id_action_items-0-title", "Switch the warehouse to automatic sync")
    page.select_option("#id_action_items-0-owner", str(owner.pk))
    page.fill("#id_action_items-0-due_on", due)
    page.click("#finalise-review")
    page.wait_for_selector("ul.messagelist")
    assert "The review is final." in page.locator("ul.messagelist").inner_text()
    review.refresh_from_db()
    assert review.status == "final"

    # Staff dashboard: charts and their table fallbacks, in English then Chinese.
    page.goto("/")
    page.wait_for_selector("canvas#chart-sales[data-rendered='1']")
    assert page.locator("canvas#chart-tiers[data-rendered='1']").count() == 1
    assert page.locator("table#table-sales").is_visible()
    assert "CN-GD" in page.locator("table#table-sales").inner_text()
    assert "1,500.00" in page.locator("table#table-sales").inner_text()
    assert page.locator("#panel-sales h2").inner_text() == "Sales by region and month"
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("canvas#chart-sales[data-rendered='1']")
    assert page.locator("#panel-sales h2").inner_text() == "按区域和月份的销售额"
    assert page.locator("table#table-tiers").is_visible()
    page.context.clear_cookies()  # log out; the language falls back to the browser's (en)

    # The dealer: notified, acknowledges with a comment, sees the action item on the dashboard.
    login(page, owner.username, PASSWORD)
    page.wait_for_selector("#dashboard")
    page.wait_for_selector("#notification-count")
    assert page.locator("#notification-count").inner_text() == "2"  # review + action item
    page.click(f"#panel-review a[href='/reviews/{review.pk}/']")
    page.fill("#id_comment", "Agreed, we switch in December.")
    page.click("#acknowledge")
    page.wait_for_selector("#acknowledgement")
    assert "Agreed, we switch in December." in page.locator("#acknowledgement").inner_text()
    review.refresh_from_db()
    assert review.acknowledged_by == owner
    page.goto("/")
    items = page.locator("#dashboard-action-items").inner_text()
    assert "Switch the warehouse to automatic sync" in items
    assert page.locator("table#table-monthly").is_visible()
    assert page.locator("canvas#chart-monthly[data-rendered='1']").count() == 1

    # The other apps' panels: open tickets, stock alerts, tier, what-if, latest statement.
    make_ticket(dealer, title="Delivery delayed")
    warehouse = WarehouseFactory(code="WH-GZ", dealer=dealer, region=tree["CN-GD-GZ"])
    StockAlert.objects.create(kind="stale_data", region=tree["CN-GD-GZ"], warehouse=warehouse)
    statement = CommissionStatement.objects.create(
        dealer=dealer, period=dt.date(2026, 10, 1), currency="CNY"
    )
    page.goto("/")
    assert "Delivery delayed" in page.locator("#dashboard-tickets").inner_text()
    assert "WH-GZ" in page.locator("#dashboard-stock-alerts").inner_text()
    assert page.locator("#dealer-tier").inner_text() == dealer.tier.name
    assert page.locator("#whatif-panel").is_visible()
    page.click("#latest-statement")
    page.wait_for_url(f"**/statements/{statement.pk}/")
