"""Deliveries (DOMAIN.md §15): created from the outbox, attempted with the Standard Webhooks
headers, retried on the schedule, logged, replayed.

At least once, also when a worker dies mid-delivery: the delivery row is created in the
outbox subscriber's transaction (so it exists once the event is dispatched); an attempt
first takes a lease (``next_attempt_at`` pushed :data:`LEASE` ahead, in its own short
transaction) and records its outcome afterwards. A task that is lost, or a worker killed
during the request, leaves the delivery pending with an expiring lease: the sweep
(:func:`deliveries_attempt_due`, every minute) tries it again. Receivers dedupe by
``webhook-id`` (the event id)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Event
from webhooks import transport
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.services.endpoints import endpoint_disable_failing
from webhooks.signing import body_for, headers_sign

logger = logging.getLogger(__name__)

#: waits after the 1st, 2nd … failed attempt (DOMAIN.md §15); the attempt after the last
#: wait is the last one: 7 attempts in about 17.5 hours
SCHEDULE = (
    dt.timedelta(seconds=5),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=5),
    dt.timedelta(hours=10),
)
MAX_ATTEMPTS = len(SCHEDULE) + 1
#: an attempt's hold on its delivery; longer than the request's timeout
LEASE = dt.timedelta(seconds=60)
#: retries at most this far ahead are queued with a countdown; later ones wait for the sweep
QUEUE_AHEAD = dt.timedelta(minutes=5)
#: events one "replay since" may queue
REPLAY_LIMIT = 10_000
SWEEP_BATCH = 500


# --- from the outbox --------------------------------------------------------------------


def endpoints_for(event: Event):
    """The active endpoints that receive ``event``: subscribed to its topic, and the
    event's dealer's own or the manufacturer's. A dealer's endpoint never receives
    another dealer's (or a manufacturer-wide) event."""
    scope = Q(dealer__isnull=True)
    if event.dealer_id is not None:
        scope |= Q(dealer_id=event.dealer_id)
    return [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(scope, is_active=True).order_by("pk")
        if event.topic in endpoint.topics
    ]


def deliveries_create(event: Event) -> list[int]:
    """The outbox subscriber (``webhooks.<topic>``, in its transaction): one pending
    delivery per matching endpoint (once: unique per endpoint and event), each queued
    after commit."""
    endpoints = endpoints_for(event)
    if not endpoints:
        return []
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=e, event=event) for e in endpoints], ignore_conflicts=True
    )
    ids = list(
        WebhookDelivery.objects.filter(
            event=event, endpoint__in=endpoints, status=WebhookDelivery.Status.PENDING
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(partial(_enqueue, ids))
    return ids


def _enqueue(delivery_ids: list[int], countdown: float | None = None) -> None:
    from webhooks.tasks import deliver  # the task module is an interface above this one

    for delivery_id in delivery_ids:
        try:
            deliver.apply_async((delivery_id,), countdown=countdown)
        except Exception:
            logger.exception("webhooks: could not queue delivery %s; the sweep will", delivery_id)


# --- attempts ---------------------------------------------------------------------------


@dataclass
class AttemptOutcome:
    delivery_id: int
    attempted: bool = False
    status: str = ""  # the delivery's status afterwards
    attempt_id: int | None = None
    disabled_endpoint: bool = False


def delivery_attempt(*, delivery_id: int, now: dt.datetime | None = None) -> AttemptOutcome:
    """Attempt one delivery if it is due (pending, its endpoint active, its time come):
    take the lease, POST the event, log the attempt, then mark it delivered (2xx), schedule
    the next attempt, or — after the last — mark it failed and disable the endpoint,
    notifying its owners. Safe to call any number of times, also concurrently (one takes
    the lease). Call outside a transaction: the request must not hold one open."""
    now = now or timezone.now()
    outcome = AttemptOutcome(delivery_id=delivery_id)
    taken = (
        WebhookDelivery.objects.due(now).filter(pk=delivery_id).update(next_attempt_at=now + LEASE)
    )
    if not taken:
        return outcome
    delivery = WebhookDelivery.objects.select_related("endpoint", "event", "event__dealer").get(
        pk=delivery_id
    )
    endpoint, event = delivery.endpoint, delivery.event
    body = body_for(event)
    # the signature's timestamp is when the request is really sent (receivers compare it
    # with their clock), whatever ``now`` the schedule runs on
    headers = headers_sign(
        msg_id=str(event.pk),
        body=body,
        secrets_=endpoint.signing_secrets(now),
        at=timezone.now(),
    )
    result = transport.post(endpoint.url, body=body.encode(), headers=headers)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        number = delivery.attempt_count + 1
        attempt = WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=now,
            duration_ms=result.duration_ms,
            status_code=result.status,
            succeeded=result.ok,
            error=result.error,
            response_body=result.body[: transport.MAX_RESPONSE_BYTES],
            url=endpoint.url,
        )
        delivery.attempt_count = number
        delivery.last_attempt_at = now
        if result.ok:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.delivered_at = now
        elif number >= MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
            outcome.disabled_endpoint = (
                endpoint_disable_failing(endpoint_id=endpoint.pk, event_id=event.pk, now=now)
                is not None
            )
        else:
            wait = SCHEDULE[number - 1]
            delivery.next_attempt_at = now + wait
            if wait <= QUEUE_AHEAD:
                transaction.on_commit(
                    partial(_enqueue, [delivery.pk], countdown=wait.total_seconds())
                )
        delivery.save()
    outcome.attempted = True
    outcome.status = delivery.status
    outcome.attempt_id = attempt.pk
    if not result.ok:
        logger.warning(
            "webhooks: delivery %s attempt %s to %s failed: %s",
            delivery_id,
            number,
            endpoint.url,
            result.status or result.error,
        )
    return outcome


def deliveries_attempt_due(
    *, now: dt.datetime | None = None, limit: int = SWEEP_BATCH
) -> list[AttemptOutcome]:
    """The sweep (task ``webhooks.tasks.deliver_due``, every minute; command
    ``deliver_webhooks``): attempt every due delivery, oldest first — retries whose time
    has come, and deliveries whose task was lost or whose worker died (lease expired)."""
    now = now or timezone.now()
    ids = list(
        WebhookDelivery.objects.due(now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return [delivery_attempt(delivery_id=pk, now=now) for pk in ids]


# --- replay -----------------------------------------------------------------------------


@transaction.atomic
def delivery_replay(*, delivery: WebhookDelivery, now: dt.datetime | None = None):
    """Send a delivery again (whatever became of it): a new round of attempts with the same
    body and the same ``webhook-id``; earlier attempts stay in the log."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    _restart(delivery, now)
    transaction.on_commit(partial(_enqueue, [delivery.pk]))
    return delivery


def _restart(delivery: WebhookDelivery, now: dt.datetime) -> None:
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.attempt_count = 0
    delivery.next_attempt_at = now
    delivery.replays += 1
    delivery.save(update_fields=["status", "attempt_count", "next_attempt_at", "replays"])


@transaction.atomic
def deliveries_replay_since(
    *, endpoint: WebhookEndpoint, after_event_id: int, now: dt.datetime | None = None
) -> int:
    """Send again every event after ``after_event_id`` that the endpoint receives (its
    scope and its current topics), in event order: existing deliveries start a new round,
    missing ones (the endpoint was disabled, or subscribed later) are created. At most
    :data:`REPLAY_LIMIT` events; returns how many were queued."""
    now = now or timezone.now()
    events = Event.objects.filter(pk__gt=after_event_id, topic__in=endpoint.topics)
    if endpoint.dealer_id is not None:
        events = events.filter(dealer_id=endpoint.dealer_id)
    event_ids = list(events.order_by("pk").values_list("pk", flat=True)[: REPLAY_LIMIT + 1])
    if len(event_ids) > REPLAY_LIMIT:
        raise ValidationError(
            {
                "after": ValidationError(
                    _("More than %(limit)s events to replay; start from a later event.")
                    % {"limit": REPLAY_LIMIT},
                    code="too_many",
                )
            }
        )
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint=endpoint, event_id=event_id, next_attempt_at=now)
            for event_id in event_ids
        ],
        ignore_conflicts=True,
    )
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint, event_id__in=event_ids)
    deliveries.update(
        status=WebhookDelivery.Status.PENDING,
        attempt_count=0,
        next_attempt_at=now,
        replays=F("replays") + 1,
    )
    ids = list(deliveries.order_by("event_id").values_list("pk", flat=True))
    transaction.on_commit(partial(_enqueue, ids))
    return len(ids)
