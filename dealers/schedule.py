from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Daily, shortly after midnight in Shanghai (16:10 UTC): terminating dealers whose
    # transition period ended become terminated. Twin: `manage.py end_dealer_transitions`.
    "dealers-end-transitions": {
        "task": "dealers.tasks.end_dealer_transitions",
        "schedule": crontab(hour=16, minute=10),
    },
}
