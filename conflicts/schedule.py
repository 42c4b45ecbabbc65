"""Periodic jobs of the conflicts app (merged into CELERY_BEAT_SCHEDULE)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "conflicts-escalate-tickets": {
        "task": "conflicts.tasks.escalate_tickets",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # Yearly, 1 December 03:00 manufacturer time (CELERY_TIMEZONE): next year's holidays
    # (China's State Council publishes them in the autumn). Twin: `load_china_holidays
    # --next-year`.
    "conflicts-load-next-year-holidays": {
        "task": "conflicts.tasks.load_next_year_holidays",
        "schedule": crontab(minute=0, hour=3, day_of_month=1, month_of_year=12),
    },
}

#: frequent jobs whose succeeded runs are purged after JOB_RUNS_SWEEPS_KEPT_DAYS (portal.job_runs)
SWEEP_JOBS = ("escalate_tickets",)
