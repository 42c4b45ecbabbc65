"""Finance approves a statement in the admin (after a confirmation page with the refreshed
figures); the dealer sees it, opens "how we computed this" and downloads the CSV."""

import datetime as dt

import pytest

from commissions import services
from commissions.models import CommissionStatement
from tests.commissions.factories import give_plan, local, plan_p, sale, senior
from tests.e2e.conftest import login
from tests.factories import PASSWORD, DealerFactory, DealerUserFactory, StaffUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_finance_approves_and_the_dealer_reads_and_downloads(page):
    dealer = senior(DealerFactory(name="Dealer Alpha"))
    give_plan(dealer, plan_p("marginal"))
    sale(dealer, "120000.00", local(2026, 10, 5, 10, 0))
    sale(dealer, "200000.00", local(2026, 10, 20, 10, 0))
    services.statements_build(period=dt.date(2026, 10, 1), dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer)
    StaffUserFactory(username="fin", groups=["finance"])
    DealerUserFactory(username="alpha", membership__dealer=dealer)

    login(page, "fin", PASSWORD)
    page.goto("/admin/commissions/commissionstatement/")
    page.check(f"input[name='_selected_action'][value='{statement.pk}']")
    page.select_option("select[name='action']", "approve_selected")
    page.click("button[name='index']")
    # Nothing is approved blind: a confirmation page shows the refreshed figures first.
    page.wait_for_selector(f"#statement-{statement.pk}")
    assert "198,300.00" in page.locator(f"#statement-{statement.pk} .statement-total").inner_text()
    assert "Times in Asia/Shanghai (UTC+8)" in page.locator("#time-zone-note").inner_text()
    statement.refresh_from_db()
    assert statement.status == "draft"
    page.click("#confirm-form input[type='submit']")
    page.wait_for_selector(".messagelist .success")
    assert "1 statement(s) approved." in page.locator(".messagelist").inner_text()
    statement.refresh_from_db()
    assert statement.status == "approved"

    page.click("#logout-form button, form[action$='logout/'] button")
    login(page, "alpha", PASSWORD)
    page.goto("/statements/")
    row = page.locator("#statements tbody tr").first
    assert "2026-10" in row.inner_text() and "Approved" in row.inner_text().title()
    row.locator("a").click()
    page.wait_for_selector("#components")
    assert page.locator("#statement-total").inner_text().startswith("198,300.00")
    step = page.locator("tr[data-kind='step']")
    step.locator("summary").click()
    explanation = step.locator("details ul")
    assert explanation.is_visible()
    assert "From 100,000 to 300,000: 200,000 × 0.02 = 4,000" in explanation.inner_text()
    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    assert download.suggested_filename == f"commission-{dealer.code}-2026-10.csv"
    content = open(download.path(), encoding="utf-8-sig").read()
    assert "step bonus,4700.00" in content
    assert "total,198300.00" in content
