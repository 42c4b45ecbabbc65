"""Every periodic job records a job run (``portal.job_runs``), whether Celery beat or its
management command started it (DOMAIN.md §7.4 and §8 name the twins)."""

import importlib
from io import StringIO

import pytest
from celery import current_app
from django.conf import settings
from django.core.management import call_command

import reviews.tasks
from portal.models import JobRun
from portal.periods import Quarter

#: beat task → (job name, its command twin and arguments)
TWINS = {
    "collaboration.tasks.action_item_reminders": (
        "action_item_reminders",
        ["send_action_item_reminders"],
    ),
    "commissions.tasks.refresh_statements": (
        "run_commissions",
        ["run_commissions", "--period", "2026-10"],
    ),
    "conflicts.tasks.escalate_tickets": ("escalate_tickets", ["escalate_tickets"]),
    "conflicts.tasks.load_next_year_holidays": (
        "load_next_year_holidays",
        ["load_china_holidays", "--next-year"],
    ),
    "dealers.tasks.end_dealer_transitions": ("end_dealer_transitions", ["end_dealer_transitions"]),
    "deals.tasks.expire_deal_registrations": (
        "expire_deal_registrations",
        ["expire_deal_registrations"],
    ),
    "inventory.tasks.stock_alerts_evaluate_all": (
        "evaluate_stock_alerts",
        ["evaluate_stock_alerts"],
    ),
    "mdf.tasks.mdf_daily": ("mdf_daily", ["run_mdf_daily"]),
    "portal.tasks.mark_stalled_jobs": ("mark_stalled_jobs", ["mark_stalled_jobs"]),
    "portal.tasks.idempotency_keys_purge": (
        "purge_idempotency_keys",
        ["purge_idempotency_keys"],
    ),
    "portal.tasks.dispatch_pending_events": ("dispatch_events", ["dispatch_events"]),
    "pricing.tasks.book_price_protection": ("book_price_protection", ["book_price_protection"]),
    "rotation.tasks.suggest_stock_transfers": (
        "suggest_stock_transfers",
        ["suggest_stock_transfers"],
    ),
    "webhooks.tasks.deliver_due": ("deliver_webhooks", ["deliver_webhooks"]),
    "reviews.tasks.quarterly_reviews": (
        "quarterly_reviews",
        ["run_quarterly_reviews", "--quarter", "2026Q3"],
    ),
}


#: beat entries that are not jobs: the liveness ping of beat and worker
NOT_JOBS = {"portal.tasks.heartbeat"}


def test_every_beat_task_has_a_twin_here():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - NOT_JOBS == set(TWINS)


@pytest.mark.django_db
@pytest.mark.parametrize("task_name", sorted(TWINS))
def test_a_beat_run_records_a_job_run(task_name, monkeypatch):
    # beat fires the quarterly job on a quarter's first day only
    monkeypatch.setattr(reviews.tasks, "manufacturer_today", lambda: Quarter(2026, 4).first_day)
    importlib.import_module(task_name.rsplit(".", 1)[0])  # registers the task
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == task_name)
    current_app.tasks[task_name].apply(
        args=entry.get("args", ()), kwargs=entry.get("kwargs", {})
    ).get()
    job = TWINS[task_name][0]
    run = JobRun.objects.get(job=job)
    assert run.status == JobRun.Status.SUCCEEDED, run.errors


@pytest.mark.django_db
@pytest.mark.parametrize("task_name", sorted(TWINS))
def test_a_command_run_records_a_job_run(task_name):
    job, argv = TWINS[task_name]
    call_command(*argv, stdout=StringIO())
    assert JobRun.objects.filter(job=job).count() == 1
