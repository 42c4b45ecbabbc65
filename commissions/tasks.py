"""Thin Celery tasks: each calls a job (the management command's twin)."""

from celery import shared_task

from commissions.jobs import nightly_periods, statements_run
from portal.periods import Month


@shared_task
def refresh_statements() -> list[str]:
    """Nightly: refresh the current month's drafts; on the 1st, finalise the previous month
    into drafts as well (approval is finance's)."""
    periods = nightly_periods()
    for period in periods:
        statements_run(period=period)
    return [str(Month.of(p)) for p in periods]
