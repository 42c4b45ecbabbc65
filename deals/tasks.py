"""Thin Celery tasks: take parameters, call an idempotent service."""

import datetime as dt

from celery import shared_task

from deals import services


@shared_task
def expire_deal_registrations(now: str | None = None) -> dict:
    """Daily: expire the approved registrations whose protection ended (the
    ``expire_deal_registrations`` command's twin; recorded as a job run by the service)."""
    when = dt.datetime.fromisoformat(now) if now else None
    return services.deal_registrations_expire(now=when)
