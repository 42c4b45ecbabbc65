from celery.schedules import crontab

BEAT_SCHEDULE = {
    "pricing-book-price-protection": {
        "task": "pricing.tasks.book_price_protection",
        "schedule": crontab(minute=7),  # hourly: a guide's instant is rarely on the hour
    },
}

#: job name → the task the admin re-runs a failed or stalled run with (portal.job_runs)
RERUN_TASKS = {"book_price_protection": "pricing.tasks.book_price_protection"}
