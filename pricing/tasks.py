"""Thin Celery tasks: take ids or parameters, call an idempotent service."""

import datetime as dt

from celery import shared_task

from pricing import services


@shared_task
def book_price_protection(now: str | None = None) -> dict:
    """Hourly: book the price protection of the guides whose instant has passed (the
    ``book_price_protection`` command's twin; recorded as a job run by the service)."""
    when = dt.datetime.fromisoformat(now) if now else None
    return services.price_protection_book(now=when)
