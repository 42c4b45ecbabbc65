"""Periodic jobs of the conflicts app (merged into CELERY_BEAT_SCHEDULE)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "conflicts-escalate-tickets": {
        "task": "conflicts.tasks.escalate_tickets",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
}
