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
