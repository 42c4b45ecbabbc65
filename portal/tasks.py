import logging

from celery import shared_task
from django.utils import timezone

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
    """Every few minutes: mark running job runs without a heartbeat failed (``portal.jobs``)."""
    from portal.jobs import stalled_jobs_sweep

    return stalled_jobs_sweep()


@shared_task
def idempotency_keys_purge() -> int:
    """Periodic: forget Idempotency-Keys older than 24 hours."""
    from portal.api.idempotency import idempotency_records_purge

    return idempotency_records_purge()
