from celery.schedules import crontab

BEAT_SCHEDULE = {
    "inventory-evaluate-stock-alerts": {
        "task": "inventory.tasks.stock_alerts_evaluate_all",
        "schedule": crontab(minute=15),  # hourly
    },
    "inventory-purge-idempotency-keys": {
        "task": "inventory.tasks.idempotency_keys_purge",
        "schedule": crontab(minute=40),  # hourly
    },
}
