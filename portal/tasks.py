import logging

from celery import shared_task
from django.utils import timezone

from portal import job_runs
from portal.events import event_dispatch
from portal.jobs import events_dispatch_pending_run, idempotency_keys_purge_run

logger = logging.getLogger(__name__)


@shared_task
def heartbeat() -> str:
    """Periodic no-op that proves beat and worker are alive (visible in the worker log)."""
    now = timezone.now().isoformat()
    logger.info("heartbeat", extra={"at": now})
    return now


@shared_task
def ping(value: str) -> str:
    return f"pong:{value}"


@shared_task
def mark_stalled_jobs() -> int:
    """Every few minutes: mark running job runs without a heartbeat failed (``portal.job_runs``)."""
    return job_runs.stalled_jobs_sweep()


@shared_task
def idempotency_keys_purge() -> int:
    """Periodic: forget Idempotency-Keys older than 24 hours (recorded as a job run)."""
    return idempotency_keys_purge_run()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dispatch_event(event_id: int) -> dict:
    """Run the subscribers of one event (queued when its transaction commits). Idempotent:
    a redelivery runs only the subscribers that have not handled the event yet."""
    return event_dispatch(event_id=event_id).as_dict()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dispatch_event_batch(event_ids: list[int]) -> list[dict]:
    """:func:`dispatch_event` for the events one transaction recorded together (one message
    instead of one each); each event is dispatched on its own, in order. A redelivery, or a
    worker lost half-way, re-runs only what was not handled."""
    return [event_dispatch(event_id=event_id).as_dict() for event_id in event_ids]


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dispatch_pending_events() -> int:
    """Every minute: dispatch events whose dispatch was lost or whose subscriber failed
    (``portal.events.events_dispatch_pending``; twin: ``dispatch_events``), recorded as a
    job run."""
    return events_dispatch_pending_run()
