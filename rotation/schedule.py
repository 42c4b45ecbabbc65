from celery.schedules import crontab

BEAT_SCHEDULE = {
    "rotation-suggest-stock-transfers": {
        "task": "rotation.tasks.suggest_stock_transfers",
        "schedule": crontab(hour=2, minute=40),  # nightly, manufacturer's time
    },
}
