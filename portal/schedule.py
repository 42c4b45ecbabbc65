"""Periodic jobs of the kernel (merged into ``CELERY_BEAT_SCHEDULE``).

``CELERY_TIMEZONE`` is the manufacturer's zone, so every crontab here and in the apps'
``schedule.py`` is read in local time: ``crontab(hour=2)`` means 02:00 in the manufacturer's
zone.

- stalled job runs: every 5 minutes (twin: ``mark_stalled_jobs``);
- Idempotency-Keys older than 24 hours: hourly (twin: ``purge_idempotency_keys``);
- pending events of the outbox: every minute (twin: ``dispatch_events``).
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "portal-mark-stalled-jobs": {
        "task": "portal.tasks.mark_stalled_jobs",
        "schedule": crontab(minute="*/5"),
    },
    "portal-purge-idempotency-keys": {
        "task": "portal.tasks.idempotency_keys_purge",
        "schedule": crontab(minute=40),  # hourly
    },
    "portal-dispatch-pending-events": {
        "task": "portal.tasks.dispatch_pending_events",
        "schedule": crontab(minute="*"),
    },
}

#: frequent jobs whose succeeded runs are purged after JOB_RUNS_SWEEPS_KEPT_DAYS (portal.job_runs)
SWEEP_JOBS = ("mark_stalled_jobs", "dispatch_events", "purge_idempotency_keys")
