"""Marketing funds in the browser (DOMAIN.md §14): a dealer requests co-funding above
50,000.00, a channel manager and then an executive approve, the dealer claims with a PDF,
finance approves, and the dealer sees the `mdf` component on its statement."""

import pytest

from commissions.models import CommissionStatement
from mdf import services
from mdf.models import Claim, FundRequest
from portal.periods import Month
from tests.e2e.conftest import login
from tests.factories import PASSWORD, DealerUserFactory, StaffUserFactory
from tests.mdf.factories import PDF, accrue_q1, q1_dealer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def switch(page, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)
    page.goto("/mdf/")


def test_request_two_step_approval_claim_with_pdf_and_payment(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    dealer = q1_dealer()
    accrue_q1()  # 24,000.00
    DealerUserFactory(username="owner", membership__dealer=dealer, membership__role="owner")
    manager = StaffUserFactory(username="cm", groups=["channel_manager"])
    StaffUserFactory(username="boss", groups=["executive"])
    StaffUserFactory(username="fin", groups=["finance"])
    services.fund_allocate(actor=manager, dealer=dealer, amount="50000.00", reason="launch")

    switch(page, "owner")
    assert page.locator("#mdf-available").inner_text().startswith("74,000.00")
    page.select_option("#id_activity_type", "exhibition")
    page.fill("#id_title", "Autumn home show")
    page.fill("#id_planned_spend", "120000.00")
    page.fill("#id_share", "0.5")
    page.click("#request-submit")
    page.wait_for_selector(".alert-success, .messages, [data-status='submitted']")
    request = FundRequest.objects.get()
    assert request.requested_amount == 60000

    switch(page, "cm")
    page.locator(f"#pending-requests tr[data-request='{request.pk}'] button[name='approve']").click()
    page.wait_for_selector(f"#pending-requests tr[data-request='{request.pk}'][data-status='awaiting_executive']")
    switch(page, "boss")
    page.locator(f"#pending-requests tr[data-request='{request.pk}'] button[name='approve']").click()
    page.wait_for_selector("#pending-requests")
    request.refresh_from_db()
    assert request.status == "approved"

    switch(page, "owner")
    assert page.locator("#mdf-reserved").inner_text().startswith("60,000.00")
    card = page.locator(f"div[data-request='{request.pk}']")
    card.locator("input[name='actual_spend']").fill("100000.00")
    proof = tmp_path / "invoice.pdf"
    proof.write_bytes(PDF)
    card.locator("input[type='file']").set_input_files(str(proof))
    card.locator("button[type='submit']").click()
    page.wait_for_selector(f"div[data-request='{request.pk}'][data-status='claimed']")
    claim = Claim.objects.get()

    switch(page, "fin")
    row = page.locator(f"#pending-claims tr[data-claim='{claim.pk}']")
    assert "invoice.pdf" in row.inner_text()
    row.locator("button[name='approve']").click()
    page.wait_for_selector("#pending-claims")
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount) == ("approved", 50000)

    switch(page, "owner")
    assert page.locator("#mdf-available").inner_text().startswith("24,000.00")
    statement = CommissionStatement.objects.get(dealer=dealer, period=Month.current().first_day)
    page.goto(f"/statements/{statement.pk}/")
    component = page.locator("tr[data-kind='mdf']")
    assert "50,000.00" in component.inner_text()
