"""Periodic jobs of quarterly reviews (merged into ``CELERY_BEAT_SCHEDULE``; crontabs are
read in the manufacturer's zone, ``CELERY_TIMEZONE``).

- quarterly reviews: the first day of each quarter, 02:00 manufacturer time (twin:
  ``run_quarterly_reviews``). The task also checks the local date itself.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "reviews-quarterly-reviews": {
        "task": "reviews.tasks.quarterly_reviews",
        "schedule": crontab(minute=0, hour=2, day_of_month=1, month_of_year="1,4,7,10"),
    },
}

#: job name → the task the admin re-runs a failed or stalled run with (portal.job_runs)
RERUN_TASKS = {"quarterly_reviews": "reviews.tasks.quarterly_reviews"}
