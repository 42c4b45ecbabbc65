"""Deal registration in the browser (DOMAIN.md §12): dealer A registers a customer; dealer B
registers 深圳市星河科技 for the same one, is warned while typing, and sees a conflict without
A's data; staff resolve the channel ticket and approve A."""

import pytest

from conflicts.models import Ticket
from deals.models import DealRegistration
from portal import events
from portal.models import Event
from tests.conflicts.factories import defaults
from tests.deals.factories import line
from tests.e2e.conftest import login
from tests.factories import (
    PASSWORD,
    DealerFactory,
    DealerUserFactory,
    StaffUserFactory,
    region_tree,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _new_page(browser, live_server, outside):
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


def _register(page, name, *, region_label, email=""):
    page.click("#nav-deals")
    page.click("#register-deal")
    page.select_option("#id_customer_region", label=region_label)
    page.fill("#id_customer_name", name)
    if email:
        page.fill("#id_customer_email", email)
    page.check("input[name=product_lines]")
    page.fill("#id_estimated_amount", "250000")
    page.fill("#id_expected_close_on", "2030-06-30")


def test_two_dealers_one_customer_staff_resolve_and_approve_the_first(browser, live_server):
    outside = []
    defaults()  # the flushed database of a transactional test has no seeded policies
    tree = region_tree()
    region_label = f"CN-GD-SZ {tree['CN-GD-SZ'].name_zh or tree['CN-GD-SZ'].name}"
    line()
    DealerUserFactory(username="a-owner", membership__dealer=DealerFactory(code="DEAL-A"))
    DealerUserFactory(username="b-owner", membership__dealer=DealerFactory(code="DEAL-B"))
    StaffUserFactory(username="manager-1", is_superuser=True)

    # dealer A registers the customer
    context, page = _new_page(browser, live_server, outside)
    login(page, "a-owner", PASSWORD)
    _register(page, "深圳市星河科技有限公司", region_label=region_label, email="li@starriver.cn")
    page.click("#deal-submit")
    page.wait_for_selector("#deal-facts")
    first = DealRegistration.objects.get()
    assert first.status == "submitted"
    context.close()

    # dealer B: warned while typing, then a conflict without A's data
    context, page = _new_page(browser, live_server, outside)
    login(page, "b-owner", PASSWORD)
    _register(page, "深圳市星河科技", region_label=region_label)
    page.wait_for_selector("#hint-others-same")
    page.click("#deal-submit")
    page.wait_for_selector("#deal-conflict")
    second = DealRegistration.objects.exclude(pk=first.pk).get()
    assert second.status == "conflict"
    assert "conflict" in page.locator("#deal-status").inner_text().lower()
    shown = page.content()
    for private in ("深圳市星河科技有限公司", "li@starriver.cn", first.number):
        assert private not in shown
    # the worker hands the event to conflicts, which opens the channel ticket
    for event in Event.objects.filter(topic="deal.status_changed", dispatched_at__isnull=True):
        events.event_dispatch(event_id=event.pk)
    ticket = Ticket.objects.get(category="channel")
    page.goto(f"/tickets/{ticket.pk}/")
    assert "li@starriver.cn" not in page.content()
    assert "深圳市星河科技有限公司" not in page.content()
    context.close()

    # staff resolve the ticket, compare the registrations and approve A
    context, staff = _new_page(browser, live_server, outside)
    login(staff, "manager-1", PASSWORD)
    staff.goto(f"/admin/conflicts/ticket/{ticket.pk}/change/")
    staff.fill("#id_reply", "DEAL-A registered the customer first; it keeps it.")
    staff.select_option("#id_new_status", "in_progress")
    staff.click("input[name=_continue]")
    staff.wait_for_selector(".messagelist")
    staff.select_option("#id_new_status", "resolved")
    staff.click("input[name=_continue]")
    staff.wait_for_selector(".messagelist")
    ticket.refresh_from_db()
    assert ticket.status == "resolved"

    staff.goto(f"/tickets/{ticket.pk}/")
    staff.click("#deal-conflict-link a")
    staff.wait_for_selector("#compare")
    assert "li@starriver.cn" in staff.locator("#compare").inner_text()  # staff see both
    staff.fill("#id_reason", "DEAL-A registered first.")
    staff.click("#reject-deal")
    staff.wait_for_selector(".alert-success")
    staff.click(f"text={first.number}")
    staff.click("#approve-deal")
    staff.wait_for_selector(".alert-success")
    context.close()

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("approved", "rejected")
    assert first.protected_until is not None
    assert outside == []
