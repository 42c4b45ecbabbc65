"""Celery tasks: thin wrappers around services."""

from celery import shared_task

from conflicts.services import ticket_escalate_due


@shared_task
def escalate_tickets() -> dict:
    """The every-minute sweep (twin: ``manage.py escalate_tickets``)."""
    outcome = ticket_escalate_due()
    return {
        "escalated": len(outcome.escalated),
        "warned": len(outcome.warned),
        "skipped": outcome.skipped,
        "failed": len(outcome.failed),
    }
