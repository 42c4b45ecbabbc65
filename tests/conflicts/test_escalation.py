"""Exactly-once escalation (DOMAIN.md §7.4) on PostgreSQL."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from conflicts import services
from conflicts.models import Escalation, Ticket, TicketEvent
from conflicts.services import escalation
from portal.models import Notification
from tests.conflicts.factories import make_ticket, sh
from tests.factories import DealerFactory, StaffUserFactory, region_tree


def test_sweep_escalates_by_steps_and_warns_once(db, django_capture_on_commit_callbacks):
    manager = StaffUserFactory(groups=["channel_manager"])
    executive = StaffUserFactory(groups=["executive"])
    region_tree()["CN-GD"].channel_managers.add(manager)
    ticket = make_ticket(opened_at=sh(2026, 11, 23, 9))  # normal: 24 business h → Wed 15:00
    assert ticket.warning_at == sh(2026, 11, 25, 10, 12)  # 80 % = 19.2 h
    assert ticket.next_escalation_at == sh(2026, 11, 25, 10, 12)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.ticket_escalate_due(now=sh(2026, 11, 25, 10)).escalated == []
        outcome = services.ticket_escalate_due(now=sh(2026, 11, 25, 10, 12))
    assert outcome.escalated == [(ticket.pk, 1)]
    assert outcome.warned == [ticket.pk]
    ticket.refresh_from_db()
    assert (ticket.escalation_level, ticket.group) == (1, "channel_manager")
    assert ticket.next_escalation_at == sh(2026, 11, 25, 15)
    assert Notification.objects.filter(recipient=manager, kind="ticket.escalated").count() == 1
    assert any(manager.email in m.to for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.ticket_escalate_due(now=sh(2026, 11, 25, 11))
    assert (again.escalated, again.warned) == ([], [])
    outcome = services.ticket_escalate_due(now=sh(2026, 11, 25, 15))
    assert outcome.escalated == [(ticket.pk, 2)]
    ticket.refresh_from_db()
    assert (ticket.escalation_level, ticket.group, ticket.next_escalation_at) == (
        2,
        "executive",
        None,
    )
    assert ticket.events.filter(kind=TicketEvent.Kind.WARNED).count() == 1
    assert list(ticket.escalations.values_list("level", flat=True)) == [1, 2]
    assert executive.pk  # notified through the group (checked above for the manager)


def test_resolved_ticket_is_not_escalated(db):
    staff = StaffUserFactory(is_superuser=True)
    ticket = make_ticket(priority="emergency", opened_at=timezone.now() - timedelta(minutes=10))
    services.ticket_comment(actor=staff, ticket=ticket, body="hello")
    services.ticket_transition(actor=staff, ticket=ticket, status="resolved")
    assert services.ticket_escalate_due(now=timezone.now() + timedelta(hours=5)).escalated == []
    assert not Escalation.objects.exists()


def test_waiting_on_dealer_holds_sla_steps(db):
    staff = StaffUserFactory(is_superuser=True)
    opened = timezone.now() - timedelta(minutes=10)
    ticket = make_ticket(priority="emergency", opened_at=opened)
    services.ticket_comment(actor=staff, ticket=ticket, body="hello")
    services.ticket_transition(actor=staff, ticket=ticket, status="waiting_on_dealer")
    ticket.refresh_from_db()
    assert ticket.next_escalation_at is None
    assert services.ticket_escalate_due(now=timezone.now() + timedelta(days=2)).escalated == []


def _many_due(n):
    dealer = DealerFactory()
    opened = timezone.now() - timedelta(hours=1)
    return [make_ticket(dealer, priority="emergency", opened_at=opened) for _ in range(n)]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_escalate_each_ticket_level_once():
    tickets = _many_due(12)
    now = timezone.now()
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def sweep():
        try:
            barrier.wait()
            outcomes.append(services.ticket_escalate_due(now=now))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    done = sorted(e for outcome in outcomes for e in outcome.escalated)
    # each ticket: one escalation (first response and resolution due at once → level 1 only:
    # opened an hour ago, the 4 h resolution is not yet due)
    assert done == sorted((t.pk, 1) for t in tickets)
    assert Escalation.objects.count() == 12
    assert TicketEvent.objects.filter(kind="escalated").count() == 12


@pytest.mark.django_db(transaction=True)
def test_sweep_that_dies_half_way_is_rerun_once(monkeypatch):
    tickets = _many_due(4)
    now = timezone.now()
    real = escalation._escalate_locked
    calls = {"n": 0}

    class WorkerKilled(BaseException):
        """Not an Exception: the sweep catches those per ticket and goes on."""

    def dying(ticket, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise WorkerKilled
        return real(ticket, **kwargs)

    monkeypatch.setattr(escalation, "_escalate_locked", dying)
    with pytest.raises(WorkerKilled):
        services.ticket_escalate_due(now=now)
    assert Escalation.objects.count() == 2
    monkeypatch.setattr(escalation, "_escalate_locked", real)
    outcome = services.ticket_escalate_due(now=now)
    assert len(outcome.escalated) == 2
    assert Escalation.objects.count() == 4
    assert sorted(Escalation.objects.values_list("ticket_id", flat=True)) == sorted(
        t.pk for t in tickets
    )
    assert services.ticket_escalate_due(now=now).escalated == []


def test_contract_ticket_48h_goes_to_legal_via_api_and_command(
    db, manufacturer_client, django_capture_on_commit_callbacks
):
    from tests.conflicts.factories import defaults

    defaults()
    legal = StaffUserFactory(groups=["legal"])
    dealer = DealerFactory()
    opened = (timezone.now() - timedelta(hours=48)).replace(microsecond=0)
    response = manufacturer_client.post(
        "/api/v1/tickets/",
        {
            "dealer": dealer.code,
            "category": "contract",
            "priority": "normal",
            "title": "Agreement renewal terms",
            "opened_at": opened.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["escalation_level"] == 0
    assert body["group"] == "legal"
    assert body["sla_state"] == "breached"
    url = f"/api/v1/tickets/{body['id']}/"

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("escalate_tickets", stdout=out)
    assert f"ticket {body['id']} escalated to level 2" in out.getvalue()
    after = manufacturer_client.get(url).json()
    assert (after["escalation_level"], after["group"]) == (2, "legal")
    assert Notification.objects.filter(recipient=legal, kind="ticket.escalated").count() == 1

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("escalate_tickets", stdout=out)
    assert "0 escalated" in out.getvalue()
    again = manufacturer_client.get(url).json()
    assert again == after
    assert Escalation.objects.filter(ticket_id=body["id"]).count() == 1
    assert Notification.objects.filter(recipient=legal, kind="ticket.escalated").count() == 1


def test_command_takes_now_and_reads_it_without_offset_as_manufacturer_time(db):
    first = make_ticket(
        priority="emergency", opened_at=sh(2026, 11, 23, 10), now=sh(2026, 11, 23, 10)
    )
    out = StringIO()
    call_command("escalate_tickets", "--now", "2026-11-23T10:30:00+08:00", stdout=out)
    assert f"ticket {first.pk} escalated to level 1" in out.getvalue()
    # 10:30 without an offset is 10:30 in Shanghai (not 18:30 there, as UTC would be)
    second = make_ticket(
        priority="emergency", opened_at=sh(2026, 11, 23, 10), now=sh(2026, 11, 23, 10)
    )
    call_command("escalate_tickets", "--now", "2026-11-23T10:29:00", stdout=StringIO())
    assert Ticket.objects.get(pk=second.pk).escalation_level == 0
    call_command("escalate_tickets", "--now", "2026-11-23T10:30:00", stdout=StringIO())
    assert Ticket.objects.get(pk=second.pk).escalation_level == 1
    assert Ticket.objects.get(pk=first.pk).escalation_level == 1


def test_beat_schedule_runs_the_task_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["conflicts-escalate-tickets"]
    assert entry["task"] == "conflicts.tasks.escalate_tickets"
    from conflicts.tasks import escalate_tickets

    assert escalate_tickets.name == "conflicts.tasks.escalate_tickets"


def test_celery_task_runs_the_sweep(db):
    from conflicts.tasks import escalate_tickets

    ticket = make_ticket(priority="emergency", opened_at=timezone.now() - timedelta(hours=1))
    assert escalate_tickets.apply().get() == {
        "escalated": 1,
        "warned": 0,
        "skipped": 0,
        "failed": 0,
    }
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 1


def test_late_first_response_stays_breached_after_resolution(db):
    staff = StaffUserFactory(is_superuser=True)
    opened = timezone.now() - timedelta(hours=1)
    ticket = make_ticket(priority="emergency", opened_at=opened)
    services.ticket_comment(actor=staff, ticket=ticket, body="late")  # 30 min target missed
    services.ticket_transition(actor=staff, ticket=ticket, status="resolved")
    ticket.refresh_from_db()
    assert ticket.resolved_within_target is True
    assert ticket.sla_state == "breached"


def test_a_calendar_without_hours_does_not_stop_the_sweep(db):
    from conflicts.models import OpeningInterval

    broken = make_ticket(opened_at=timezone.now() - timedelta(days=5))
    fine = make_ticket(priority="emergency", opened_at=timezone.now() - timedelta(hours=1))
    OpeningInterval.objects.filter(calendar=broken.calendar).delete()
    outcome = services.ticket_escalate_due(now=timezone.now())
    assert outcome.failed == [broken.pk]
    assert outcome.escalated == [(fine.pk, 1)]


def test_sweep_cost_follows_due_tickets_not_open_ones(db, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dealer = DealerFactory()
    now = timezone.now()
    make_ticket(dealer, priority="emergency", opened_at=now - timedelta(hours=1))
    with CaptureQueriesContext(connection) as one:
        services.ticket_escalate_due(now=now)
    for _ in range(15):  # open, not due
        make_ticket(dealer, priority="low", opened_at=now - timedelta(minutes=5))
    make_ticket(dealer, priority="emergency", opened_at=now - timedelta(hours=1))
    with django_assert_max_num_queries(len(one.captured_queries)):
        outcome = services.ticket_escalate_due(now=now)
    assert len(outcome.escalated) == 1


def test_escalation_moves_ticket_to_the_groups_queue(db):
    support = StaffUserFactory(groups=["support"])
    legal_user = StaffUserFactory(groups=["legal"])
    ticket = make_ticket(priority="emergency", opened_at=timezone.now() - timedelta(hours=1))
    services.ticket_assign(
        actor=StaffUserFactory(is_superuser=True), ticket_ids=[ticket.pk], assignee=support
    )
    services.ticket_escalate_due(now=timezone.now())
    ticket.refresh_from_db()
    assert (ticket.group, ticket.assignee) == ("channel_manager", None)
    kept = make_ticket(category="contract", opened_at=timezone.now() - timedelta(hours=49))
    services.ticket_assign(
        actor=StaffUserFactory(is_superuser=True), ticket_ids=[kept.pk], assignee=legal_user
    )
    services.ticket_escalate_due(now=timezone.now())
    kept.refresh_from_db()
    assert (kept.escalation_level, kept.group, kept.assignee) == (2, "legal", legal_user)


def test_a_poisoned_ticket_does_not_starve_the_tickets_behind_it(db):
    """Any exception on one ticket (here a snapshot step without a level: KeyError) is
    caught for that ticket, recorded, and the sweep goes on with the others."""
    now = timezone.now()
    poisoned = make_ticket(priority="emergency", opened_at=now - timedelta(hours=2))
    fine = make_ticket(priority="emergency", opened_at=now - timedelta(hours=1))
    snapshot = dict(poisoned.policy_snapshot)
    snapshot["steps"] = [{"trigger": "first_response_breach", "group": "executive"}]
    Ticket.objects.filter(pk=poisoned.pk).update(policy_snapshot=snapshot)
    outcome = services.ticket_escalate_due(now=now)
    assert outcome.escalated == [(fine.pk, 1)]
    assert outcome.failed == [poisoned.pk]
    [(ticket_id, message)] = outcome.failures
    assert ticket_id == poisoned.pk and "KeyError" in message
    assert Ticket.objects.get(pk=poisoned.pk).escalation_level == 0


def test_a_full_batch_does_not_leave_due_tickets_for_the_next_minute(db):
    now = timezone.now()
    tickets = [
        make_ticket(priority="emergency", opened_at=now - timedelta(hours=1)) for _ in range(5)
    ]
    outcome = services.ticket_escalate_due(now=now, batch_size=2)
    assert sorted(outcome.escalated) == sorted((t.pk, 1) for t in tickets)
    assert not Ticket.objects.filter(next_escalation_at__lte=now).exists()


def test_the_sweep_stops_when_its_time_budget_is_spent(db):
    now = timezone.now()
    for _ in range(3):
        make_ticket(priority="emergency", opened_at=now - timedelta(hours=1))
    outcome = services.ticket_escalate_due(now=now, batch_size=1, time_budget=timedelta(0))
    assert len(outcome.escalated) == 1  # one batch at least, then the budget is spent
    assert outcome.budget_spent
