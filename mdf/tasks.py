"""Thin Celery tasks: take parameters, call an idempotent service."""

import datetime as dt

from celery import shared_task

from mdf import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def mdf_daily(now: str | None = None) -> dict:
    """Daily: expire unused accruals, lapse unclaimed requests (the ``run_mdf_daily``
    command's twin; recorded as a job run by the service)."""
    return services.mdf_daily_run(now=dt.datetime.fromisoformat(now) if now else None)
