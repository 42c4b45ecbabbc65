from celery.schedules import crontab

BEAT_SCHEDULE = {
    "deals-expire-deal-registrations": {
        "task": "deals.tasks.expire_deal_registrations",
        # just after midnight, manufacturer's time: the protection of yesterday's last day
        # has ended
        "schedule": crontab(hour=0, minute=20),
    },
}

#: job name → the task the admin re-runs a failed or stalled run with (portal.job_runs)
RERUN_TASKS = {"expire_deal_registrations": "deals.tasks.expire_deal_registrations"}
