"""Batch jobs of the commissions app, shared by the command and the Celery tasks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from commissions import calculations as calc
from commissions import selectors, services
from portal.job_runs import job_run


def statements_run(*, period: dt.date, dealer_ids=None, dry_run: bool = False, now=None):
    """``services.statements_build`` inside a recorded job run (progress, counts)."""
    params = {"period": calc.format_period(period)}
    if dealer_ids:
        params["dealer_ids"] = list(dealer_ids)
    with job_run("run_commissions", params=params, dry_run=dry_run) as run:

        def progress(outcome):
            run.advance(**{outcome.result: 1})

        return services.statements_build(
            period=period, dealer_ids=dealer_ids, dry_run=dry_run, now=now, on_progress=progress
        )


def nightly_periods(now: dt.datetime | None = None) -> list[dt.date]:
    """The months the nightly run refreshes: the current month's draft, and on the 1st
    (in the manufacturer's zone) also the month that just ended."""
    now = now or timezone.now()
    current = selectors.current_period(now)
    local = now.astimezone(ZoneInfo(selectors.manufacturer_tz()))
    if local.day == 1:
        return [calc.add_months(current, -1), current]
    return [current]
