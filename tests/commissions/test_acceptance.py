"""Issue 5's "done when": the §6.4 example through the public API and the command."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from commissions import services
from commissions.models import CommissionStatement
from portal.models import JobRun
from tests.commissions.factories import give_plan, plan_p, product
from tests.factories import ApiKeyFactory, DealerFactory, StaffUserFactory, region_tree, tier

pytestmark = pytest.mark.django_db


def _client(key):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.mark.parametrize(
    "mode,step,total",
    [("whole", "11200.00", "204800.00"), ("marginal", "4700.00", "198300.00")],
)
def test_worked_example_through_the_api_and_the_command(mode, step, total):
    dealer = DealerFactory(code=f"A-{mode.upper()}", tier=tier("senior"))
    give_plan(dealer, plan_p(mode))
    product("SKU-1")
    region_tree()
    client = _client(ApiKeyFactory.issue(dealer=dealer)[1])
    lines = [
        {
            "external_id": "OCT-1",
            "sku": "SKU-1",
            "quantity": "1",
            "amount": "120000.00",
            "currency": "CNY",
            "sold_at": "2026-10-08T11:00:00+08:00",
            "ship_to_region": "CN-GD-SZ",
        },
        {
            "external_id": "OCT-2",
            "sku": "SKU-1",
            "quantity": "2",
            "amount": "200000.00",
            "currency": "CNY",
            "sold_at": "2026-10-22T16:30:00+08:00",
            "ship_to_region": "CN-GD-GZ",
        },
    ]
    assert client.post("/api/v1/sales/", {"lines": lines}, format="json").status_code == 201

    call_command("run_commissions", "--period", "2026-10")

    [data] = client.get("/api/v1/commission-statements/?period=2026-10").json()["results"]
    assert (data["dealer"], data["period"], data["status"]) == (dealer.code, "2026-10", "draft")
    assert data["net_sales"] == "320000.00"
    assert [(c["kind"], c["amount"]) for c in data["components"]] == [
        ("base", "192000.00"),
        ("step", step),
        ("tier", "1600.00"),
    ]
    assert data["total"] == total

    # A re-run gives an identical draft ...
    call_command("run_commissions", "--period", "2026-10", "--dealer", dealer.code)
    again = client.get(f"/api/v1/commission-statements/{data['id']}/").json()
    assert again == data

    # ... and changes nothing once approved, even with new lines for the month.
    services.statement_approve(
        statement=CommissionStatement.objects.get(pk=data["id"]),
        actor=StaffUserFactory(groups=["finance"]),
    )
    approved = client.get(f"/api/v1/commission-statements/{data['id']}/").json()
    late = {**lines[0], "external_id": "OCT-3", "amount": "1000.00"}
    assert client.post("/api/v1/sales/", {"lines": [late]}, format="json").status_code == 201
    call_command("run_commissions", "--period", "2026-10")
    assert client.get(f"/api/v1/commission-statements/{data['id']}/").json() == approved


def test_command_dry_run_and_job_record(capsys):
    dealer = DealerFactory(code="DRY")
    give_plan(dealer, plan_p())
    call_command("run_commissions", "--period", "2026-10", "--dry-run")
    assert not CommissionStatement.objects.exists()
    run = JobRun.objects.get(job="run_commissions")
    assert (run.dry_run, run.status, run.params["period"]) == (True, "succeeded", "2026-10")
    assert run.started_by == "command:run_commissions"
    assert "[dry run] 2026-10: 1 statement(s)" in capsys.readouterr().out
    call_command("run_commissions", "--period", "2026-10", "--dealer", "DRY")
    assert CommissionStatement.objects.get().total == D("0.00")


def test_command_rejects_bad_input():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("run_commissions", "--period", "2026-13")
    with pytest.raises(CommandError):
        call_command("run_commissions", "--period", "2026-10", "--dealer", "NOPE")


def test_nightly_task_refreshes_current_month_and_on_the_first_the_previous(monkeypatch):
    from commissions import jobs, tasks
    from tests.commissions.factories import local

    assert jobs.nightly_periods(local(2026, 11, 23, 2, 30)) == [dt.date(2026, 11, 1)]
    assert jobs.nightly_periods(local(2026, 12, 1, 2, 30)) == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
    ]
    calls = []
    monkeypatch.setattr(tasks, "statements_run", lambda **kw: calls.append(kw))
    monkeypatch.setattr(tasks, "nightly_periods", lambda: [dt.date(2026, 11, 1)])
    assert tasks.refresh_statements() == ["2026-11"]
    assert calls == [{"period": dt.date(2026, 11, 1)}]


def test_beat_schedule_is_registered():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["commissions-refresh-statements"]
    assert entry["task"] == "commissions.tasks.refresh_statements"
