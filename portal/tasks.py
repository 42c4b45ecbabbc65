import logging

from celery import shared_task
from django.utils import timezone

from portal.clock import manufacturer_today

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
def action_item_reminders(days_before: int = 3) -> int:
    """Daily: remind owners of action items due soon (``portal.services.action_items_remind``)."""
    from portal.services import action_items_remind

    return action_items_remind(days_before=days_before)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def quarterly_reviews(quarter: str | None = None, dealer: str | None = None) -> dict:
    """Quarterly reviews, tier evaluation and bonuses of the quarter that just ended.

    Beat fires it at 02:00 manufacturer time on a quarter's first day (see
    ``portal.schedule``); fired on another local day without a ``quarter`` it does nothing.
    Idempotent, so a redelivery after a killed worker (acks late) books nothing twice."""

    from dealers.review_services import previous_quarter, quarterly_run
    from portal.schedule import QUARTER_FIRST_MONTHS

    if quarter is None:
        local = manufacturer_today()
        if local.day != 1 or local.month not in QUARTER_FIRST_MONTHS:
            return {"skipped": 1}
        quarter = previous_quarter()
    dealer_obj = None
    if dealer:
        from dealers.models import Dealer

        dealer_obj = Dealer.objects.get(code=dealer)
    return quarterly_run(quarter=quarter, dealer=dealer_obj)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dispatch_event(event_id: int) -> dict:
    """Run the subscribers of one event (queued when its transaction commits). Idempotent:
    a redelivery runs only the subscribers that have not handled the event yet."""
    from portal.events import event_dispatch

    return event_dispatch(event_id=event_id).as_dict()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dispatch_pending_events() -> int:
    """Every minute: dispatch events whose dispatch was lost or whose subscriber failed
    (``portal.events.events_dispatch_pending``; twin: ``dispatch_events``)."""
    from portal.events import events_dispatch_pending

    return events_dispatch_pending()
