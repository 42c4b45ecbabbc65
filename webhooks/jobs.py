"""The every-minute delivery sweep as a job: recorded as a job run whether beat or its
command (``deliver_webhooks``) started it."""

from portal.job_runs import job_run
from webhooks.services.deliveries import deliveries_attempt_due


def deliveries_attempt_due_job(*, now=None) -> int:
    """Attempt every due delivery; returns how many were attempted."""
    params = {"now": now.isoformat()} if now else {}
    with job_run("deliver_webhooks", params=params) as run:
        outcomes = deliveries_attempt_due(now=now)
        attempted = sum(1 for o in outcomes if o.attempted)
        run.count(attempted=attempted)
    return attempted
