"""Batch jobs of the commissions app, shared by the command and the Celery tasks."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from commissions import services
from portal.clock import manufacturer_date
from portal.job_runs import job_run
from portal.periods import Month


def statements_run(*, period: dt.date | Month, dealer_ids=None, dry_run: bool = False, now=None):
    """``services.statements_build`` inside a recorded job run (progress, counts)."""
    params = {"period": str(Month.of(period))}
    if dealer_ids:
        params["dealer_ids"] = list(dealer_ids)
    with job_run("run_commissions", params=params, dry_run=dry_run) as run:

        def progress(outcome):
            run.advance(**{outcome.result: 1})

        return services.statements_build(
            period=period, dealer_ids=dealer_ids, dry_run=dry_run, now=now, on_progress=progress
        )


def nightly_periods(now: dt.datetime | None = None) -> list[dt.date]:
    """The months the nightly run refreshes, as statements store them (first days): the
    current month's draft, and on the 1st (in the manufacturer's zone) also the month that
    just ended."""
    now = now or timezone.now()
    current = Month.current(now)
    months = [current.previous(), current] if manufacturer_date(now).day == 1 else [current]
    return [month.first_day for month in months]
