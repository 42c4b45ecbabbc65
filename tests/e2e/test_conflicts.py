"""A dealer opens an emergency ticket; staff answer it in the admin; the dealer sees the
reply and the resolution due time."""

from zoneinfo import ZoneInfo

import pytest

from conflicts.models import Ticket
from tests.conflicts.factories import defaults
from tests.e2e.conftest import login
from tests.factories import PASSWORD, DealerUserFactory, StaffUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _new_page(browser, live_server, outside):
    """A fresh browser context (another person) that records requests leaving the machine."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:")
            else None
        ),
    )
    return context, page


def test_emergency_ticket_round_trip(browser, live_server):
    outside = []
    defaults()  # the flushed database of a transactional test has no seeded policies
    dealer_user = DealerUserFactory(username="gz-owner")
    StaffUserFactory(username="support-1", is_superuser=True)

    context, page = _new_page(browser, live_server, outside)
    login(page, "gz-owner", PASSWORD)
    page.click("#nav-tickets")
    page.click("#open-ticket")
    page.select_option("#id_category", "quality")
    page.select_option("#id_priority", "emergency")
    page.fill("#id_title", "All stores offline")
    page.fill("#id_description", "Since 10:00 no store can reach the licence server.")
    page.click("#ticket-submit")
    page.wait_for_selector("#ticket-facts")
    ticket = Ticket.objects.get()
    assert ticket.dealer == dealer_user.dealer and ticket.priority == "emergency"
    context.close()

    staff_context, staff = _new_page(browser, live_server, outside)
    login(staff, "support-1", PASSWORD)
    staff.goto("/admin/conflicts/ticket/?sla_state=on_track")
    staff.click("text=All stores offline")
    staff.fill("#id_reply", "We are restarting the licence server now.")
    staff.select_option("#id_new_status", "in_progress")
    staff.click("input[name=_continue]")
    staff.wait_for_selector(".messagelist")
    staff_context.close()

    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.status == "in_progress"

    context, page = _new_page(browser, live_server, outside)
    login(page, "gz-owner", PASSWORD)
    page.goto(f"/tickets/{ticket.pk}/")
    assert "We are restarting the licence server now." in page.locator("#thread").inner_text()
    due_local = ticket.resolution_due.astimezone(ZoneInfo("Asia/Shanghai")).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert page.locator("#resolution-due").inner_text().strip() == due_local
    assert (
        "In progress" in page.locator("#ticket-status").inner_text()
        or "in progress" in page.locator("#ticket-status").inner_text()
    )
    context.close()
    assert outside == []
