"""The transactional outbox (portal.events): record in the caller's transaction, dispatch
after commit, each subscriber once, failures retried by the sweep, nothing lost."""

import datetime as dt
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import transaction

from portal import events
from portal.celery import app
from portal.models import Event, EventHandled
from portal.tasks import dispatch_event, dispatch_event_batch
from tests.factories import ApiKeyFactory, DealerUserFactory, StaffUserFactory

TOPIC = "test.happened"


class Recorder:
    """A subscriber that remembers the events it handled; ``fail`` makes it raise."""

    def __init__(self, fail=False):
        self.seen = []
        self.fail = fail

    def __call__(self, event):
        if self.fail:
            raise RuntimeError("subscriber is broken")
        self.seen.append(event.pk)


@pytest.fixture
def registry():
    """A test topic; the registries are restored afterwards (apps' own subscribers stay)."""
    topics, subscribers = dict(events.TOPICS), dict(events._SUBSCRIBERS)
    events.topic_register(TOPIC, "Something happened in a test.")
    yield
    events.TOPICS.clear()
    events.TOPICS.update(topics)
    events._SUBSCRIBERS.clear()
    events._SUBSCRIBERS.update(subscribers)


@pytest.fixture
def eager():
    """Tasks run in-process when queued; queueing still happens only after commit."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def subscribed(name="test.first", **kwargs) -> Recorder:
    recorder = Recorder(**kwargs)
    events.subscribe(TOPIC, recorder, name=name)
    return recorder


def later(minutes=1) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)


@pytest.mark.django_db(transaction=True)
def test_recorded_event_is_dispatched_after_commit_to_each_subscriber_once(registry, eager):
    first, second = subscribed("test.first"), subscribed("test.second")
    with transaction.atomic():
        event = events.record(TOPIC, {"n": 1})
        assert first.seen == [] and second.seen == []  # nothing before the commit
    assert first.seen == [event.pk] and second.seen == [event.pk]
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert sorted(event.handled.values_list("subscriber", flat=True)) == [
        "test.first",
        "test.second",
    ]
    # A redelivered message and the sweep find nothing left to do.
    assert dispatch_event.delay(event.pk).get()["dispatched"] is True
    call_command("dispatch_events", "--now", later(5).isoformat())
    assert first.seen == [event.pk] and second.seen == [event.pk]


@pytest.mark.django_db(transaction=True)
def test_several_events_are_recorded_in_one_insert_and_each_dispatched(
    registry, eager, dealer, other_dealer, django_assert_num_queries
):
    recorder = subscribed()
    with transaction.atomic():
        with django_assert_num_queries(1):
            recorded = events.record_many(TOPIC, [({"n": 1}, dealer), ({"n": 2}, other_dealer.pk)])
        assert [e.dealer_id for e in recorded] == [dealer.pk, other_dealer.pk]
    assert recorder.seen == [e.pk for e in recorded]
    assert Event.objects.filter(dispatched_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_the_events_of_one_call_are_queued_as_one_message(
    registry, dealer, other_dealer, django_capture_on_commit_callbacks, monkeypatch
):
    """A sync request records one event per dealer (a hundred for a batch across a hundred
    dealers): one broker round trip for all of them, not one each."""
    single, batches = [], []
    monkeypatch.setattr(dispatch_event, "delay", single.append)
    monkeypatch.setattr(dispatch_event_batch, "delay", batches.append)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        lone = events.record(TOPIC, {"n": 0})
        many = events.record_many(TOPIC, [({"n": n}, dealer) for n in range(1, 31)])
    assert single == [lone.pk]
    assert batches == [[e.pk for e in many]]


@pytest.mark.django_db(transaction=True)
def test_a_batch_message_dispatches_each_of_its_events(registry, eager, dealer):
    recorder = subscribed()
    with transaction.atomic():
        recorded = events.record_many(TOPIC, [({"n": n}, dealer) for n in range(3)])
    assert recorder.seen == [e.pk for e in recorded]
    assert Event.objects.filter(dispatched_at__isnull=False).count() == 3
    # A redelivered batch finds nothing left to do.
    results = dispatch_event_batch.delay([e.pk for e in recorded]).get()
    assert [r["dispatched"] for r in results] == [True, True, True]
    assert recorder.seen == [e.pk for e in recorded]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_records_and_dispatches_nothing(registry, eager):
    recorder = subscribed()
    with pytest.raises(RuntimeError), transaction.atomic():
        events.record(TOPIC, {"n": 1})
        raise RuntimeError("the caller's change fails")
    assert not Event.objects.exists()
    assert recorder.seen == []


@pytest.mark.django_db
def test_unknown_topics_are_refused(registry):
    with pytest.raises(events.UnknownTopic), transaction.atomic():
        events.record("no.such_topic", {})
    with pytest.raises(events.UnknownTopic):
        events.subscribe("no.such_topic", Recorder(), name="x")
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(registry):
    with pytest.raises(transaction.TransactionManagementError):
        events.record(TOPIC, {})
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_payload_is_stored_as_plain_json_decimals_as_strings_datetimes_in_utc(registry):
    shanghai = dt.datetime(2026, 10, 5, 14, 30, 0, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    with transaction.atomic():
        event = events.record(
            TOPIC,
            {"amount": Decimal("12.50"), "at": shanghai, "day": dt.date(2026, 10, 5), "ids": [1]},
        )
    expected = {
        "amount": "12.50",
        "at": "2026-10-05T06:30:00.123Z",
        "day": "2026-10-05",
        "ids": [1],
    }
    assert event.payload == expected
    event.refresh_from_db()
    assert event.payload == expected
    for bad in ({"at": dt.datetime(2026, 10, 5, 14, 30)}, {"ids": {1, 2}}, {"who": object()}):
        with pytest.raises(TypeError), transaction.atomic():
            events.record(TOPIC, bad)
    assert Event.objects.count() == 1


@pytest.mark.django_db
def test_subscriber_names_are_unique(registry):
    handler = Recorder()
    events.subscribe(TOPIC, handler, name="test.once")
    events.subscribe(TOPIC, handler, name="test.once")  # the same registration again: no-op
    with pytest.raises(ValueError, match="already registered"):
        events.subscribe(TOPIC, Recorder(), name="test.once")
    assert [s.name for s in events.subscribers_for(TOPIC)] == ["test.once"]


def test_the_conflicts_app_subscribes_to_sales_recorded():
    subscriber = {s.name: s for s in events.subscribers_for("sales.recorded")}[
        "conflicts.open_channel_conflicts"
    ]
    from conflicts.subscribers import open_channel_conflicts

    assert subscriber.resolve() is open_channel_conflicts


@pytest.mark.django_db
def test_a_failing_subscriber_does_not_block_another_and_is_retried_by_the_sweep(
    registry, eager, django_capture_on_commit_callbacks, caplog
):
    broken, healthy = subscribed("test.broken", fail=True), subscribed("test.healthy")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = events.record(TOPIC, {"n": 1})
    assert healthy.seen == [event.pk] and broken.seen == []
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert event.attempts == 1
    assert event.last_error == "test.broken: RuntimeError: subscriber is broken"
    assert list(event.handled.values_list("subscriber", flat=True)) == ["test.healthy"]
    assert "subscriber test.broken failed on event" in caplog.text

    # Still broken a minute later: retried, backed off further, the healthy one left alone.
    call_command("dispatch_events", "--now", later(1).isoformat())
    event.refresh_from_db()
    assert (event.attempts, event.dispatched_at) == (2, None)
    assert event.next_attempt_at > later(2)
    assert Event.objects.pending(later(2)).count() == 0

    broken.fail = False  # fixed and deployed: the sweep catches up
    call_command("dispatch_events", "--now", later(5).isoformat())
    event.refresh_from_db()
    assert event.dispatched_at is not None and event.last_error == ""
    assert broken.seen == [event.pk] and healthy.seen == [event.pk]


@pytest.mark.django_db
def test_a_subscriber_recorded_as_handled_is_not_run_again(registry):
    done, todo = subscribed("test.done"), subscribed("test.todo")
    with transaction.atomic():
        event = events.record(TOPIC, {"n": 1})
    EventHandled.objects.create(event=event, subscriber="test.done")  # by an earlier delivery
    outcome = events.event_dispatch(event_id=event.pk)
    assert (outcome.handled, outcome.skipped, outcome.dispatched) == (
        ["test.todo"],
        ["test.done"],
        True,
    )
    assert done.seen == [] and todo.seen == [event.pk]
    # The same message delivered again (acks late after a lost worker): nothing runs.
    assert events.event_dispatch(event_id=event.pk).handled == []
    assert todo.seen == [event.pk]


@pytest.mark.django_db
def test_a_subscriber_failing_midway_leaves_no_half_done_work(registry):
    from portal.models import Notification

    def half_done(event):
        Notification.objects.create(recipient=StaffUserFactory(), kind="test", title="half")
        raise RuntimeError("fails after writing")

    events.subscribe(TOPIC, half_done, name="test.half")
    with transaction.atomic():
        event = events.record(TOPIC, {})
    assert events.event_dispatch(event_id=event.pk).failed == ["test.half"]
    assert not Notification.objects.exists()
    assert not EventHandled.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("broker", ["down", "lost"])
def test_nothing_is_lost_when_the_dispatch_is_never_queued_or_never_run(
    registry, django_capture_on_commit_callbacks, monkeypatch, broker
):
    """The broker refuses the message at commit time (the caller's request still succeeds),
    or it takes it and the worker dies before running it: the sweep dispatches the event."""
    recorder = subscribed()
    queued = []

    def delay(event_id):
        if broker == "down":
            raise ConnectionError("redis is down")
        queued.append(event_id)  # taken, then lost with the worker

    monkeypatch.setattr(dispatch_event, "delay", delay)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = events.record(TOPIC, {"n": 1})
    assert recorder.seen == []
    assert queued == ([] if broker == "down" else [event.pk])

    # Within the grace period the sweep leaves it to the queued dispatch.
    assert events.events_dispatch_pending() == 0
    assert events.events_dispatch_pending(now=later(1)) == 1
    assert recorder.seen == [event.pk]
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert events.events_dispatch_pending(now=later(2)) == 0


@pytest.mark.django_db
def test_dispatch_of_a_vanished_event_is_a_no_op():
    assert events.event_dispatch(event_id=987654321).as_dict() == {
        "event": 987654321,
        "handled": [],
        "skipped": [],
        "failed": [],
        "dispatched": False,
    }


@pytest.mark.django_db
def test_events_are_visible_to_their_own_dealer_and_the_manufacturer(dealer, other_dealer):
    with transaction.atomic():
        own = events.record("sales.recorded", {"sale_line_ids": []}, dealer=dealer)
        other = events.record("sales.recorded", {"sale_line_ids": []}, dealer=other_dealer.pk)
        global_ = events.record("statement.approved", {})
    dealer_user = DealerUserFactory(membership__dealer=dealer)
    dealer_key, _ = ApiKeyFactory.issue(dealer=dealer)
    assert list(Event.objects.visible_to(dealer_user)) == [own]
    assert list(Event.objects.visible_to(dealer_key)) == [own]
    staff = StaffUserFactory(is_superuser=True)
    assert list(Event.objects.visible_to(staff)) == [own, other, global_]
    assert list(Event.objects.visible_to(staff).after(own.pk)) == [other, global_]
    assert list(Event.objects.visible_to(None)) == []


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_handles_an_event_recorded_in_a_committed_transaction(registry):
    assert app.conf.broker_url.startswith("redis://")
    assert not app.conf.task_always_eager
    recorder = subscribed("test.worker")
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        with transaction.atomic():
            event = events.record(TOPIC, {"n": 1})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if Event.objects.filter(pk=event.pk, dispatched_at__isnull=False).exists():
                break
            time.sleep(0.2)
    assert recorder.seen == [event.pk]
    assert list(EventHandled.objects.values_list("event_id", "subscriber")) == [
        (event.pk, "test.worker")
    ]
    event.refresh_from_db()
    assert event.dispatched_at is not None
