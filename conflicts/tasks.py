"""Celery tasks: thin wrappers around services."""

from celery import shared_task

from conflicts.services import channel_conflicts_open_for_sale_lines, ticket_escalate_due


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


@shared_task
def open_channel_conflicts(sale_line_ids: list[int]) -> int:
    """Open the channel-conflict tickets of newly reported sale lines (DOMAIN.md §2);
    queued by sales ingestion after commit. Idempotent: a (line, territory) pair opens once."""
    return channel_conflicts_open_for_sale_lines(sale_line_ids=sale_line_ids)
