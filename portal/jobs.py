"""The kernel's periodic jobs, shared by the Celery tasks and their command twins, so that
each run is recorded (``portal.job_runs``) whichever of them started it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portal.api.idempotency import idempotency_records_purge
from portal.events import events_dispatch_pending
from portal.job_runs import job_run


def idempotency_keys_purge_run(*, now: dt.datetime | None = None) -> int:
    """Forget Idempotency-Keys older than 24 hours, as a ``purge_idempotency_keys`` run."""
    now = now or timezone.now()
    with job_run("purge_idempotency_keys", params={"now": now.isoformat()}) as run:
        deleted = idempotency_records_purge(now=now)
        run.count(deleted=deleted)
    return deleted


def events_dispatch_pending_run(*, now: dt.datetime | None = None) -> int:
    """The outbox sweep (``events_dispatch_pending``) as a ``dispatch_events`` run."""
    now = now or timezone.now()
    with job_run("dispatch_events", params={"now": now.isoformat()}) as run:
        tried = events_dispatch_pending(now=now)
        run.count(dispatched=tried)
    return tried
