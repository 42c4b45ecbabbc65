"""Celery tasks: thin wrappers around services."""

from celery import shared_task

from conflicts.jobs import escalation_sweep, next_year_holidays_load


@shared_task
def escalate_tickets() -> dict:
    """The every-minute sweep (twin: ``manage.py escalate_tickets``), recorded as a job run."""
    return escalation_sweep().as_counts()


@shared_task
def load_next_year_holidays() -> dict:
    """Yearly: next year's holidays into the China calendar, with a staff notice when the
    official notice is missing (twin: ``manage.py load_china_holidays --next-year``)."""
    return next_year_holidays_load()
