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

#: job name → the task the admin re-runs a failed or stalled run with (portal.job_runs)
RERUN_TASKS = {"action_item_reminders": "collaboration.tasks.action_item_reminders"}
