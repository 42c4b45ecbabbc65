"""Periodic jobs of the webhooks: due deliveries every minute (twin: ``deliver_webhooks``)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "webhooks-deliver-due": {
        "task": "webhooks.tasks.deliver_due",
        "schedule": crontab(minute="*"),
    },
}

#: frequent jobs whose succeeded runs are purged after JOB_RUNS_SWEEPS_KEPT_DAYS (portal.job_runs)
SWEEP_JOBS = ("deliver_webhooks",)
