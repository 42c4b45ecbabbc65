"""Periodic jobs of the collaboration app, shared by the Celery task and its command twin,
so that each run is recorded (``portal.job_runs``) whichever of them started it."""

from __future__ import annotations

import datetime as dt

from collaboration.services import action_items_remind
from portal.job_runs import job_run


def action_item_reminders_run(*, now: dt.datetime | None = None, days_before: int = 3) -> int:
    """``action_items_remind`` recorded as an ``action_item_reminders`` job run."""
    with job_run("action_item_reminders", params={"days_before": days_before}) as run:
        sent = action_items_remind(now=now, days_before=days_before)
        run.count(reminded=sent)
    return sent
