"""Thin Celery tasks of the webhooks (the work is in ``webhooks.services.deliveries``)."""

from celery import shared_task

from webhooks.jobs import deliveries_attempt_due_job
from webhooks.services.deliveries import delivery_attempt


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver(delivery_id: int) -> str:
    """Attempt one delivery if it is due (queued on commit and for short retries). A
    duplicate or late message does nothing: the attempt takes a lease first."""
    return delivery_attempt(delivery_id=delivery_id).status


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_due() -> int:
    """Every minute: attempt the deliveries that are due — long retries, lost tasks,
    workers killed mid-delivery (twin: ``deliver_webhooks``)."""
    return deliveries_attempt_due_job()
