from celery.schedules import crontab

BEAT_SCHEDULE = {
    "inventory-evaluate-stock-alerts": {
        "task": "inventory.tasks.stock_alerts_evaluate_all",
        "schedule": crontab(minute=15),  # hourly
    },
}

#: frequent jobs whose succeeded runs are purged after JOB_RUNS_SWEEPS_KEPT_DAYS (portal.job_runs)
SWEEP_JOBS = ("evaluate_stock_alerts",)
