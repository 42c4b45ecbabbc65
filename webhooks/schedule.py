"""Periodic jobs of the webhooks: due deliveries every minute (twin: ``deliver_webhooks``)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "webhooks-deliver-due": {
        "task": "webhooks.tasks.deliver_due",
        "schedule": crontab(minute="*"),
    },
}
