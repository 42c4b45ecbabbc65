from celery.schedules import crontab

BEAT_SCHEDULE = {
    "mdf-daily": {
        "task": "mdf.tasks.mdf_daily",
        "schedule": crontab(hour=1, minute=20),  # daily, manufacturer's time
    },
}

#: job name → the task the admin re-runs a failed or stalled run with (portal.job_runs)
RERUN_TASKS = {"mdf_daily": "mdf.tasks.mdf_daily"}
