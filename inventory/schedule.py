from celery.schedules import crontab

BEAT_SCHEDULE = {
    "inventory-evaluate-stock-alerts": {
        "task": "inventory.tasks.stock_alerts_evaluate_all",
        "schedule": crontab(minute=15),  # hourly
    },
}
