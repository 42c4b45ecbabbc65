"""Thin Celery tasks: take ids or parameters, call an idempotent service."""

import datetime as dt

from celery import shared_task

from rotation import services


@shared_task
def suggest_stock_transfers(now: str | None = None, province: str = "") -> dict:
    """Nightly: recompute the transfer suggestions of every province (the
    ``suggest_stock_transfers`` command's twin; recorded as a job run by the service)."""
    when = dt.datetime.fromisoformat(now) if now else None
    return services.transfer_suggestions_compute(province_code=province or None, now=when)
