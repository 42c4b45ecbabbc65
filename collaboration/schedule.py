"""Periodic jobs of working together (merged into ``CELERY_BEAT_SCHEDULE``; crontabs are read
in the manufacturer's zone).

- action-item reminders: daily, 09:00 (twin: ``send_action_item_reminders``).
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "collaboration-action-item-reminders": {
        "task": "collaboration.tasks.action_item_reminders",
        "schedule": crontab(minute=0, hour=9),
    },
}
