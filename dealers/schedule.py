from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Daily at 00:10 manufacturer time (CELERY_TIMEZONE): terminating dealers whose
    # transition period ended become terminated. Twin: `manage.py end_dealer_transitions`.
    "dealers-end-transitions": {
        "task": "dealers.tasks.end_dealer_transitions",
        "schedule": crontab(hour=0, minute=10),
    },
}
