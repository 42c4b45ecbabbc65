"""Money is never approved blind (issue 12): admin, portal and API approve (and mark paid)
only the total the approver saw; a draft whose figures changed in between is refused with
the new figures."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from commissions import services
from commissions.models import CommissionStatement
from portal.periods import Month
from tests.commissions.factories import give_plan, local, plan_p, sale
from tests.factories import DealerFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
ADMIN = "/admin/commissions/commissionstatement/"


@pytest.fixture
def draft(db):
    """October's draft, built at night: 1,000.00 of sales → 600.00 (plan P, base only)."""
    dealer = DealerFactory()
    give_plan(dealer, plan_p())
    sale(dealer, "1000.00", local(2026, 10, 5, 10, 0))
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer, period=OCT)
    assert statement.total == D("600.00")
    return statement


def late_sale_after_build(statement):
    """A line for October reported after the nightly build: the stored total is stale."""
    sale(statement.dealer, "500.00", local(2026, 10, 20, 10, 0))


@pytest.fixture
def finance(db):
    return StaffUserFactory(groups=["finance"])


# --- service -----------------------------------------------------------------------------


def test_service_refuses_a_stale_total_with_the_new_figures(draft, finance):
    late_sale_after_build(draft)
    with pytest.raises(services.StaleFigures) as refused:
        services.statement_approve(statement=draft, actor=finance, expected_total=D("600.00"))
    assert refused.value.code == "total_changed"
    assert refused.value.current.total == D("900.00")
    assert "900.00" in " ".join(refused.value.messages)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_mark_paid_refuses_another_total(draft, finance):
    services.statement_approve(statement=draft, actor=finance, expected_total=D("600.00"))
    with pytest.raises(services.StaleFigures):
        services.statement_mark_paid(statement=draft, actor=finance, expected_total=D("1.00"))
    paid = services.statement_mark_paid(
        statement=draft, actor=finance, expected_total=D("600.00"), reference="TX"
    )
    assert paid.status == "paid"


# --- admin -------------------------------------------------------------------------------


def test_admin_bulk_approval_shows_refreshed_figures_before_approving(client, draft, finance):
    client.force_login(finance)
    late_sale_after_build(draft)  # the changelist row still says 600.00
    response = client.post(ADMIN, {"action": "approve_selected", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"  # the action itself approves nothing
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "900.00" in body and f'name="expected_total_{draft.pk}" value="900.00"' in body
    assert "Net sales 1,500 × base rate 0.6 = 900" in body  # components with their derivation
    done = client.post(
        response["Location"], {"ids": draft.pk, f"expected_total_{draft.pk}": "900.00"}
    )
    assert done.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.total) == ("approved", D("900.00"))


def test_admin_refuses_a_stale_draft_with_the_new_figures(client, draft, finance):
    client.force_login(finance)
    url = f"{ADMIN}confirm/approve/?ids={draft.pk}"
    assert 'value="600.00"' in client.get(url).content.decode()
    late_sale_after_build(draft)  # arrives while the approver reads the page
    response = client.post(url, {"ids": draft.pk, f"expected_total_{draft.pk}": "600.00"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "The total changed from 600.00 to 900.00" in body
    assert f'name="expected_total_{draft.pk}" value="900.00"' in body
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_admin_mark_paid_confirms_the_approved_total(client, draft, finance):
    services.statement_approve(statement=draft, actor=finance, expected_total=D("600.00"))
    client.force_login(finance)
    response = client.post(ADMIN, {"action": "mark_selected_paid", "_selected_action": [draft.pk]})
    page = client.get(response["Location"]).content.decode()
    assert f'name="expected_total_{draft.pk}" value="600.00"' in page
    wrong = client.post(
        response["Location"], {"ids": draft.pk, f"expected_total_{draft.pk}": "599.00"}
    )
    assert wrong.status_code == 200 and "The approved total is 600.00" in wrong.content.decode()
    client.post(
        response["Location"],
        {"ids": draft.pk, f"expected_total_{draft.pk}": "600.00", f"reference_{draft.pk}": "B-1"},
    )
    draft.refresh_from_db()
    assert (draft.status, draft.payment_reference) == ("paid", "B-1")


def test_admin_confirmation_needs_the_change_permission(client, draft):
    client.force_login(StaffUserFactory(groups=["support"]))
    assert client.get(f"{ADMIN}confirm/approve/?ids={draft.pk}").status_code in (302, 403)


# --- portal ------------------------------------------------------------------------------


def test_portal_approval_refuses_a_stale_draft_with_the_new_figures(client, draft, finance):
    client.force_login(finance)
    url = f"/statements/{draft.pk}/"
    body = client.get(url).content.decode()
    assert 'name="expected_total" value="600.00"' in body
    late_sale_after_build(draft)
    response = client.post(f"{url}decide/", {"expected_total": "600.00"}, follow=True)
    body = response.content.decode()
    assert "The total changed from 600.00 to 900.00" in body
    assert 'name="expected_total" value="900.00"' in body  # the page shows the new figures
    draft.refresh_from_db()
    assert draft.status == "draft"
    client.post(f"{url}decide/", {"expected_total": "900.00"})
    draft.refresh_from_db()
    assert (draft.status, draft.total) == ("approved", D("900.00"))


def test_portal_page_refreshes_the_draft_for_finance_only(client, draft, finance):
    late_sale_after_build(draft)
    client.force_login(StaffUserFactory(groups=["support"]))
    body = client.get(f"/statements/{draft.pk}/").content.decode()
    assert "statement-decision" not in body
    assert (
        client.post(f"/statements/{draft.pk}/decide/", {"expected_total": "600.00"}).status_code
        == 404
    )
    client.force_login(finance)
    body = client.get(f"/statements/{draft.pk}/").content.decode()
    assert "Approve 900.00" in body


def test_portal_mark_paid(client, draft, finance):
    services.statement_approve(statement=draft, actor=finance, expected_total=D("600.00"))
    client.force_login(finance)
    client.post(f"/statements/{draft.pk}/decide/", {"expected_total": "600.00", "reference": "B-2"})
    draft.refresh_from_db()
    assert (draft.status, draft.payment_reference) == ("paid", "B-2")


# --- API ---------------------------------------------------------------------------------


def test_api_approval_requires_the_expected_total(manufacturer_client, draft):
    response = manufacturer_client.post(
        f"/api/v1/commission-statements/{draft.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("expected_total", "required")
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_api_refuses_a_stale_draft_with_409_and_the_new_figures(manufacturer_client, draft):
    late_sale_after_build(draft)
    url = f"/api/v1/commission-statements/{draft.pk}/approve/"
    response = manufacturer_client.post(url, {"expected_total": "600.00"}, format="json")
    assert response.status_code == 409, response.content
    data = response.json()
    assert (data["errors"][0]["code"], data["errors"][0]["attr"]) == (
        "total_changed",
        "expected_total",
    )
    assert data["current"]["total"] == "900.00"
    assert data["current"]["status"] == "draft"
    assert {c["kind"] for c in data["current"]["components"]} >= {"base"}
    draft.refresh_from_db()
    assert (draft.status, draft.total) == ("draft", D("900.00"))  # the refresh is kept
    ok = manufacturer_client.post(url, {"expected_total": "900.00"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "approved"


def test_api_mark_paid_requires_the_approved_total(manufacturer_client, draft, finance):
    services.statement_approve(statement=draft, actor=finance, expected_total=D("600.00"))
    url = f"/api/v1/commission-statements/{draft.pk}/mark-paid/"
    assert manufacturer_client.post(url, {"reference": "X"}, format="json").status_code == 400
    wrong = manufacturer_client.post(url, {"expected_total": "1.00"}, format="json")
    assert wrong.status_code == 409 and wrong.json()["current"]["total"] == "600.00"
    ok = manufacturer_client.post(
        url, {"expected_total": "600.00", "reference": "X"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "paid"


def test_portal_offers_no_approval_before_the_month_is_over(client, finance):
    dealer = DealerFactory()
    give_plan(dealer, plan_p())
    month = Month.current()
    sale(dealer, "1000.00", max(month.bounds()[0], timezone.now() - dt.timedelta(minutes=1)))
    services.statements_build(period=month, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer, period=month.first_day)
    client.force_login(finance)
    assert "statement-decision" not in client.get(f"/statements/{statement.pk}/").content.decode()
