import datetime as dt
from decimal import Decimal as D

import pytest

from commissions import services
from commissions.models import CommissionPlan, CommissionStatement
from tests.commissions.factories import give_plan, local, plan_p, sale
from tests.factories import DealerFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(db):
    dealer = DealerFactory()
    give_plan(dealer, plan_p())
    sale(dealer, "1000.00", local(2026, 10, 5, 10, 0))
    services.statements_build(period=dt.date(2026, 10, 1), dealer_ids=[dealer.pk])
    return CommissionStatement.objects.get(dealer=dealer)


def test_admin_pages_render(client, statement):
    client.force_login(StaffUserFactory(is_superuser=True))
    for url in (
        "/admin/commissions/commissionstatement/",
        f"/admin/commissions/commissionstatement/{statement.pk}/change/",
        "/admin/commissions/commissionplan/",
        f"/admin/commissions/commissionplan/{statement.plan_id}/change/",
        "/admin/commissions/saleline/",
    ):
        assert client.get(url).status_code == 200, url
    body = client.get(
        f"/admin/commissions/commissionstatement/{statement.pk}/change/"
    ).content.decode()
    assert "Net sales 1,000 × base rate 0.6 = 600" in body


def test_admin_adjustment_and_approval_need_finance(client, statement):
    manager = StaffUserFactory(groups=["channel_manager"])
    client.force_login(manager)
    response = client.post(
        "/admin/commissions/commissionstatement/",
        {"action": "approve_selected", "_selected_action": [statement.pk]},
    )
    statement.refresh_from_db()
    assert statement.status == "draft"
    assert response.status_code in (200, 302, 403)
    client.force_login(StaffUserFactory(groups=["finance"]))
    url = f"/admin/commissions/commissionstatement/{statement.pk}/adjust/"
    response = client.post(url, {"amount": "25.50", "reason": "Marketing fund"})
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.total == D("625.50")


def test_admin_refuses_descending_step_rates(client):
    client.force_login(StaffUserFactory(is_superuser=True))
    data = {
        "code": "ADM",
        "name": "Admin plan",
        "base_rate": "0.6",
        "step_mode": "whole",
        "quarter_bonus_rate": "0",
        "annual_bonus_months": "0",
        "active": "on",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-0-threshold": "100",
        "steps-0-rate": "0.05",
        "steps-1-threshold": "200",
        "steps-1-rate": "0.01",
        "tier_bonuses-TOTAL_FORMS": "0",
        "tier_bonuses-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/commissions/commissionplan/add/", data)
    assert response.status_code == 200
    assert "A higher threshold cannot have a lower rate." in response.content.decode()
    assert not CommissionPlan.objects.filter(code="ADM").exists()
