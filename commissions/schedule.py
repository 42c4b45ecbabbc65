"""Periodic jobs of the commissions app (merged into CELERY_BEAT_SCHEDULE).

Twin: ``python manage.py run_commissions --period YYYY-MM``."""

from celery.schedules import crontab

# 02:30 manufacturer time (CELERY_TIMEZONE): after the day's last sales sync.
BEAT_SCHEDULE = {
    "commissions-refresh-statements": {
        "task": "commissions.tasks.refresh_statements",
        "schedule": crontab(minute=30, hour=2),
    },
}
