from celery.schedules import crontab

BEAT_SCHEDULE = {
    "rotation-suggest-stock-transfers": {
        "task": "rotation.tasks.suggest_stock_transfers",
        "schedule": crontab(hour=2, minute=40),  # nightly, manufacturer's time
    },
}

#: job name → the task the admin re-runs a failed or stalled run with (portal.job_runs)
RERUN_TASKS = {"suggest_stock_transfers": "rotation.tasks.suggest_stock_transfers"}
