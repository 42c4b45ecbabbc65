"""Delivery to a real receiver on loopback (DOMAIN.md §15): one delivery per approval, the
published signature, the retry schedule (time advanced, never slept), replay with the same
``webhook-id``, disable + notify after the last failure, at least once when a worker dies."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from commissions import services as commissions
from commissions.models import CommissionStatement
from portal import events
from portal.models import Event, Notification
from tests.commissions.factories import give_plan, local, plan_p, sale, senior
from tests.factories import DealerFactory, DealerUserFactory, StaffUserFactory
from webhooks import transport
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.services import deliveries, endpoints
from webhooks.services.deliveries import MAX_ATTEMPTS, SCHEDULE

pytestmark = pytest.mark.django_db


def endpoint_for(receiver, dealer, topics=("statement.approved",)):
    actor = StaffUserFactory(is_superuser=True)
    endpoint, secret = endpoints.endpoint_create(
        actor=actor, dealer=dealer, url=receiver.url, topics=list(topics)
    )
    receiver.secret = secret
    return endpoint


def record(topic, dealer, payload=None):
    with transaction.atomic():
        event = events.record(topic, payload or {"n": 1}, dealer=dealer)
    events.event_dispatch(event_id=event.pk)
    return event


def test_a_dealer_endpoint_gets_exactly_one_delivery_when_finance_approves(receiver):
    dealer = senior(DealerFactory())
    give_plan(dealer, plan_p("whole"))
    sale(dealer, "120000.00", local(2026, 10, 5, 10, 0))
    other = DealerFactory()
    endpoint_for(receiver, dealer)
    with receiver.__class__() as other_receiver:
        endpoint_for(other_receiver, other)
        commissions.statements_build(period=dt.date(2026, 10, 1), dealer_ids=[dealer.pk])
        statement = CommissionStatement.objects.get(dealer=dealer)
        commissions.statement_approve(
            statement=statement, actor=StaffUserFactory(groups=["finance"])
        )
        event = Event.objects.get(topic="statement.approved")
        # the on-commit dispatch and the sweep both run: still one delivery
        events.event_dispatch(event_id=event.pk)
        events.events_dispatch_pending(now=timezone.now() + dt.timedelta(minutes=5))
        deliveries.deliveries_attempt_due()
        deliveries.deliveries_attempt_due(now=timezone.now() + dt.timedelta(days=2))
        assert other_receiver.count == 0  # never another dealer's event
    assert receiver.count == 1
    got = receiver.received[0]
    assert got.verified
    assert got.webhook_id == str(event.pk)
    assert got.json["type"] == "statement.approved"
    assert got.json["dealer"] == dealer.code
    assert got.json["data"]["statement"] == statement.pk
    statement.refresh_from_db()
    assert got.json["data"]["total"] == f"{statement.total:.2f}"
    assert got.json["data"]["period"] == "2026-10"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded" and delivery.attempt_count == 1


def test_a_500_is_retried_on_the_schedule(receiver):
    dealer = DealerFactory()
    endpoint_for(receiver, dealer)
    receiver.fail_next(2, status=500)
    record("statement.approved", dealer)
    t0 = timezone.now()
    deliveries.deliveries_attempt_due(now=t0)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count) == ("pending", 1)
    assert delivery.next_attempt_at == t0 + SCHEDULE[0]  # 5 s
    assert not deliveries.deliveries_attempt_due(now=t0 + dt.timedelta(seconds=4))
    t1 = t0 + SCHEDULE[0]
    deliveries.deliveries_attempt_due(now=t1)
    delivery.refresh_from_db()
    assert delivery.attempt_count == 2 and delivery.next_attempt_at == t1 + SCHEDULE[1]  # 5 min
    assert not deliveries.deliveries_attempt_due(now=t1 + dt.timedelta(minutes=4))
    deliveries.deliveries_attempt_due(now=t1 + SCHEDULE[1])
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempt_count == 3
    assert receiver.count == 3 and all(r.verified for r in receiver.received)
    assert len({r.webhook_id for r in receiver.received}) == 1
    attempts = list(WebhookAttempt.objects.order_by("number"))
    assert [a.status_code for a in attempts] == [500, 500, 200]
    assert [a.succeeded for a in attempts] == [False, False, True]
    assert all(a.duration_ms >= 0 for a in attempts)
    assert len(attempts[0].response_body) == transport.MAX_RESPONSE_BYTES  # truncated
    assert attempts[2].response_body == '{"ok":true}'


def test_the_schedule_is_the_one_of_the_rulebook():
    assert [s.total_seconds() for s in SCHEDULE] == [5, 300, 1800, 7200, 18000, 36000]
    assert MAX_ATTEMPTS == 7


def test_an_endpoint_failing_every_attempt_ends_disabled_and_its_owner_notified(receiver):
    dealer = DealerFactory()
    owner = DealerUserFactory(membership__dealer=dealer, membership__role="owner")
    member = DealerUserFactory(membership__dealer=dealer, membership__role="sales")
    endpoint = endpoint_for(receiver, dealer)
    receiver.default_status = 503
    event = record("statement.approved", dealer)
    now = timezone.now()
    for wait in (dt.timedelta(0), *SCHEDULE):
        now += wait
        assert deliveries.deliveries_attempt_due(now=now)[0].attempted
    assert receiver.count == MAX_ATTEMPTS
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempt_count == MAX_ATTEMPTS
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at == now
    assert str(event.pk) in endpoint.disabled_reason
    notes = Notification.objects.filter(kind="webhook_endpoint_disabled")
    assert [n.recipient for n in notes] == [owner]
    assert member not in [n.recipient for n in notes]
    # nothing more is sent to a disabled endpoint, not even new events
    record("statement.approved", dealer)
    assert not deliveries.deliveries_attempt_due(now=now + dt.timedelta(days=1))
    assert receiver.count == MAX_ATTEMPTS


def test_a_replay_carries_the_same_webhook_id_and_body(receiver):
    dealer = DealerFactory()
    endpoint_for(receiver, dealer)
    event = record("statement.approved", dealer)
    deliveries.deliveries_attempt_due()
    delivery = WebhookDelivery.objects.get()
    deliveries.delivery_replay(delivery=delivery)
    deliveries.deliveries_attempt_due()
    assert receiver.count == 2
    first, again = receiver.received
    assert first.webhook_id == again.webhook_id == str(event.pk)
    assert first.body == again.body and again.verified
    delivery.refresh_from_db()
    assert delivery.replays == 1 and delivery.status == "succeeded"
    assert delivery.attempts.count() == 2  # the log keeps both


def test_replay_since_an_event_sends_again_what_the_endpoint_receives(receiver):
    dealer = DealerFactory()
    endpoint = endpoint_for(receiver, dealer)
    first = record("statement.approved", dealer)
    second = record("statement.approved", dealer)
    record("statement.paid", dealer)  # not subscribed
    record("statement.approved", DealerFactory())  # another dealer's
    deliveries.deliveries_attempt_due()
    assert receiver.count == 2
    queued = deliveries.deliveries_replay_since(endpoint=endpoint, after_event_id=first.pk)
    assert queued == 1
    deliveries.deliveries_attempt_due()
    assert [r.webhook_id for r in receiver.received] == [
        str(first.pk),
        str(second.pk),
        str(second.pk),
    ]


def test_a_worker_killed_mid_delivery_leaves_it_for_the_sweep(receiver, monkeypatch):
    dealer = DealerFactory()
    endpoint_for(receiver, dealer)
    record("statement.approved", dealer)
    real_post = transport.post

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(transport, "post", killed)
    t0 = timezone.now()
    with pytest.raises(SystemExit):
        deliveries.deliveries_attempt_due(now=t0)
    monkeypatch.setattr(transport, "post", real_post)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempt_count == 0
    # the lease holds off a concurrent attempt, then expires
    assert not deliveries.deliveries_attempt_due(now=t0 + dt.timedelta(seconds=30))
    deliveries.deliveries_attempt_due(now=t0 + deliveries.LEASE)
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and receiver.count == 1


def test_a_duplicate_task_does_not_send_twice(receiver):
    dealer = DealerFactory()
    endpoint_for(receiver, dealer)
    record("statement.approved", dealer)
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()
    assert deliveries.delivery_attempt(delivery_id=delivery.pk, now=now).attempted
    assert not deliveries.delivery_attempt(delivery_id=delivery.pk, now=now).attempted
    assert receiver.count == 1


def test_a_manufacturer_endpoint_receives_every_dealer_and_manufacturer_event(receiver):
    endpoint_for(receiver, None, topics=["statement.approved", "stock.alert_opened"])
    record("statement.approved", DealerFactory())
    record("statement.approved", DealerFactory())
    record("stock.alert_opened", None)
    deliveries.deliveries_attempt_due()
    assert receiver.count == 3 and all(r.verified for r in receiver.received)


def test_a_dealer_endpoint_never_receives_manufacturer_wide_events(receiver):
    dealer = DealerFactory()
    endpoint_for(receiver, dealer, topics=["stock.alert_opened"])
    record("stock.alert_opened", None)
    record("stock.alert_opened", DealerFactory())
    deliveries.deliveries_attempt_due()
    assert receiver.count == 0 and not WebhookDelivery.objects.exists()
