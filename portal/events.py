"""Domain events through a transactional outbox: how a lower layer tells a higher one (and,
later, partner systems through webhooks, DOMAIN.md §15) that something happened.

    from portal import events

    with transaction.atomic():
        ...  # the change
        events.record("sales.recorded", {"sale_line_ids": ids}, dealer=batch_dealer)

    # in an upper app's AppConfig.ready():
    events.subscribe("sales.recorded", "conflicts.subscribers.open_channel_conflicts",
                     name="conflicts.open_channel_conflicts")

:func:`record` writes an :class:`~portal.event_models.Event` row in the caller's transaction
and, on commit, queues ``portal.tasks.dispatch_event`` (``dispatch_event_batch`` for the
events of one :func:`record_many`). :func:`event_dispatch` runs every
subscriber of the topic that has not handled the event yet, each in its own transaction
together with its :class:`~portal.event_models.EventHandled` row; a failing subscriber is
logged and retried by the sweep (:func:`events_dispatch_pending`, every minute) without
holding up the others. The sweep also dispatches events whose on-commit queueing was lost
(broker down, worker killed). Delivery to subscribers is at least once; the effect is once,
because the handled row commits or rolls back with the subscriber's work. See docs/events.md.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from portal.event_models import CurrentTxid, Event, EventHandled

logger = logging.getLogger(__name__)

#: The known topics (DOMAIN.md §15). Their payloads, with an example each, are in
#: docs/events.md ("Topics"). An app recording a new topic adds it here (or calls
#: :func:`topic_register` before recording it).
TOPICS: dict[str, str] = {
    "dealer.approved": "A dealer application was approved and the dealer created.",
    "dealer.status_changed": "A dealer's status changed.",
    "stock.levels_changed": "Stock levels changed (one event per sync request).",
    "stock.alert_opened": "A stock alert was opened.",
    "sales.recorded": "A batch of sale lines was recorded: {'sale_line_ids': [id, ...]}.",
    "statement.approved": "A commission statement was approved.",
    "statement.paid": "A commission statement was paid.",
    "ticket.opened": "A conflict ticket was opened.",
    "ticket.escalated": "A conflict ticket was escalated.",
    "ticket.resolved": "A conflict ticket was resolved.",
    "deal.status_changed": "A deal registration's status changed.",
    "review.finalised": "A quarterly review was finalised.",
    "mdf.claim_decided": "A marketing-fund claim was decided.",
}

#: The sweep leaves an event alone this long after it was recorded: the on-commit dispatch
#: normally handles it first (both at once would only wait on each other, never run twice).
DISPATCH_GRACE = dt.timedelta(seconds=30)
#: Backoff of the sweep after a dispatch in which a subscriber failed: 1, 2, 4 … minutes,
#: at most an hour. A failing subscriber is retried until it succeeds (fix it, it catches up).
RETRY_BASE = dt.timedelta(minutes=1)
RETRY_MAX = dt.timedelta(hours=1)
#: Events the sweep dispatches per run (the rest wait for the next run, oldest first).
SWEEP_BATCH = 500


class UnknownTopic(ValueError):
    pass


class EventJSONEncoder(DjangoJSONEncoder):
    """Payload encoding: what :class:`DjangoJSONEncoder` does (``Decimal`` → string such as
    ``"12.50"``, dates → ``"2026-10-05"``, UUIDs and lazy strings → strings), except that an
    aware datetime is converted to UTC first (``"2026-10-05T06:30:00.123Z"``, millisecond
    precision) and a naive one is refused. Anything else that JSON cannot hold (a model
    instance, a set) raises ``TypeError``: put ids in payloads, not objects."""

    def default(self, o):
        if isinstance(o, dt.datetime):
            if timezone.is_naive(o):
                raise TypeError(f"naive datetime in an event payload: {o!r}")
            o = o.astimezone(dt.UTC)
        return super().default(o)


def payload_encode(payload: dict) -> dict:
    """The payload as plain JSON values, exactly as it is stored and later delivered."""
    if not isinstance(payload, dict):
        raise TypeError("an event payload is a dict")
    return json.loads(json.dumps(payload, cls=EventJSONEncoder))


def topic_register(topic: str, description: str) -> None:
    TOPICS[topic] = description


def _check_topic(topic: str) -> None:
    if topic not in TOPICS:
        raise UnknownTopic(f"unknown event topic {topic!r} (add it to portal.events.TOPICS)")


# --- subscribers ------------------------------------------------------------------------


@dataclass
class Subscriber:
    """``handler(event)`` runs inside a transaction that also records the event as handled
    by ``name``; it must not swallow errors it cannot recover from (raise, and it is retried
    later). ``name`` is stable: renaming it makes the subscriber run again on pending events."""

    name: str
    topic: str
    handler: str | Callable
    _resolved: Callable | None = field(default=None, repr=False, compare=False)

    def resolve(self) -> Callable:
        if self._resolved is None:
            if callable(self.handler):
                self._resolved = self.handler
            else:
                module, _, attribute = self.handler.rpartition(".")
                self._resolved = getattr(importlib.import_module(module), attribute)
        return self._resolved


_SUBSCRIBERS: dict[str, Subscriber] = {}  # name -> subscriber, in registration order


def subscribe(topic: str, handler: str | Callable, *, name: str) -> Subscriber:
    """Register ``handler`` (a callable or its dotted path, imported on first use) for
    ``topic`` under a stable ``name``. Call it from ``AppConfig.ready()``; registering the
    same name again with the same topic and handler is a no-op."""
    _check_topic(topic)
    subscriber = Subscriber(name=name, topic=topic, handler=handler)
    existing = _SUBSCRIBERS.get(name)
    if existing is not None:
        if (existing.topic, existing.handler) == (topic, handler):
            return existing
        raise ValueError(f"event subscriber name {name!r} is already registered")
    _SUBSCRIBERS[name] = subscriber
    return subscriber


def unsubscribe(name: str) -> None:
    _SUBSCRIBERS.pop(name, None)


def subscribers_for(topic: str) -> list[Subscriber]:
    return [s for s in _SUBSCRIBERS.values() if s.topic == topic]


# --- recording --------------------------------------------------------------------------


def record(topic: str, payload: dict, *, dealer=None) -> Event:
    """Record an event in the caller's transaction (so it exists if and only if the caller's
    change commits) and queue its dispatch once that transaction commits. ``dealer`` (a
    Dealer or its id; None for manufacturer-wide events) scopes who may see it.

    Raises ``TransactionManagementError`` outside ``transaction.atomic()``, ``UnknownTopic``
    for a topic missing from :data:`TOPICS`, ``TypeError`` for a payload JSON cannot hold."""
    return record_many(topic, [(payload, dealer)])[0]


def record_many(topic: str, items) -> list[Event]:
    """:func:`record` for several ``(payload, dealer)`` of one topic (e.g. one per dealer of
    a batch): one INSERT and one on-commit hook, however many events."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "events.record() must be called inside transaction.atomic(), with the change"
        )
    _check_topic(topic)
    now = timezone.now()
    # the stream's order (Event.objects.stream): the transaction that records the events
    txid = CurrentTxid() if connection.vendor == "postgresql" else None
    events = Event.objects.bulk_create(
        [
            Event(
                topic=topic,
                payload=payload_encode(payload),
                dealer_id=getattr(dealer, "pk", dealer),
                occurred_at=now,
                next_attempt_at=now + DISPATCH_GRACE,
                txid=txid,
            )
            for payload, dealer in items
        ]
    )
    for event in events:
        event.txid = None  # the expression is not a value; re-read the row to see it
    transaction.on_commit(partial(_enqueue, [event.pk for event in events]))
    return events


#: events recorded together are queued in messages of at most this many ids
ENQUEUE_BATCH = 200


def _enqueue(event_ids: list[int]) -> None:
    # The task module is an interface above this one; it is imported when first needed.
    from portal.tasks import dispatch_event, dispatch_event_batch

    if len(event_ids) == 1:
        messages = [(dispatch_event, event_ids[0])]
    else:  # one broker round trip for the events of one call (e.g. one per dealer of a sync)
        messages = [
            (dispatch_event_batch, event_ids[i : i + ENQUEUE_BATCH])
            for i in range(0, len(event_ids), ENQUEUE_BATCH)
        ]
    for task, argument in messages:
        try:
            task.delay(argument)
        except Exception:
            # The caller's change is committed; failing its request now would help nobody.
            logger.exception(
                "events: could not queue dispatch of event(s) %s; the sweep will", argument
            )


# --- dispatching ------------------------------------------------------------------------


@dataclass
class DispatchOutcome:
    event_id: int
    handled: list[str] = field(default_factory=list)  # subscribers that ran now
    skipped: list[str] = field(default_factory=list)  # already handled before
    failed: list[str] = field(default_factory=list)
    dispatched: bool = False  # every subscriber has handled it (now or before)

    def as_dict(self) -> dict:
        return {
            "event": self.event_id,
            "handled": self.handled,
            "skipped": self.skipped,
            "failed": self.failed,
            "dispatched": self.dispatched,
        }


def event_dispatch(*, event_id: int, now: dt.datetime | None = None) -> DispatchOutcome:
    """Run every subscriber of the event's topic that has not handled it, each in its own
    transaction with its ``EventHandled`` row; mark the event dispatched when all have.
    A subscriber that raises is logged, its work rolled back, and the event left for the
    sweep with backoff; the others still run. Safe to call any number of times, also
    concurrently (the unique handled row lets one of two runs do the work). Must be called
    outside a transaction (each subscriber commits on its own)."""
    outcome = DispatchOutcome(event_id=event_id)
    event = Event.objects.filter(pk=event_id).first()
    if event is None:  # rolled back after all, or a stale message from another database
        return outcome
    if event.dispatched_at is not None:
        outcome.dispatched = True
        return outcome
    done = set(EventHandled.objects.filter(event=event).values_list("subscriber", flat=True))
    errors = []
    for subscriber in subscribers_for(event.topic):
        if subscriber.name in done:
            outcome.skipped.append(subscriber.name)
            continue
        try:
            ran = _handle(event, subscriber)
        except Exception as exc:
            logger.exception(
                "events: subscriber %s failed on event %s (%s); retried later",
                subscriber.name,
                event.pk,
                event.topic,
            )
            outcome.failed.append(subscriber.name)
            errors.append(f"{subscriber.name}: {exc.__class__.__name__}: {exc}")
            continue
        (outcome.handled if ran else outcome.skipped).append(subscriber.name)
    now = now or timezone.now()
    if errors:
        attempts = event.attempts + 1
        delay = min(RETRY_BASE * 2 ** (attempts - 1), RETRY_MAX)
        Event.objects.filter(pk=event.pk).update(
            attempts=F("attempts") + 1,
            next_attempt_at=now + delay,
            last_error="\n".join(errors)[:4000],
        )
    else:
        Event.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
            dispatched_at=now, last_error=""
        )
        outcome.dispatched = True
    return outcome


def _handle(event: Event, subscriber: Subscriber) -> bool:
    """Run one subscriber with its handled row in one transaction; False when another run
    had already recorded it (the insert waits for a concurrent run to commit or roll back)."""
    handler = subscriber.resolve()
    with transaction.atomic():
        try:
            with transaction.atomic():
                EventHandled.objects.create(event=event, subscriber=subscriber.name)
        except IntegrityError:
            return False
        handler(event)
    return True


def events_dispatch_pending(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """The sweep (task ``portal.tasks.dispatch_pending_events``, every minute; command
    ``dispatch_events``): dispatch the events recorded at least :data:`DISPATCH_GRACE` ago
    and not dispatched yet, or due for a retry, oldest first. Returns how many it tried."""
    now = now or timezone.now()
    ids = list(Event.objects.pending(now).values_list("pk", flat=True)[:limit])
    for event_id in ids:
        outcome = event_dispatch(event_id=event_id, now=now)
        if outcome.failed:
            logger.warning("events: event %s still pending: %s failed", event_id, outcome.failed)
    return len(ids)
