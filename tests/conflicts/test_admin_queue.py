"""The admin's ticket queue (issue 12, point 4): "my queue" by default, breached rows
marked for highlighting, short columns; the timeline in words, pauses on the
manufacturer's clock."""

import datetime as dt

import pytest

from conflicts import services
from conflicts.models import Ticket
from tests.conflicts.factories import make_ticket, sh
from tests.factories import DealerFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def _queue(client, query=""):
    response = client.get(f"/admin/conflicts/ticket/{query}")
    assert response.status_code == 200
    return response


def test_my_queue_is_the_default(client, django_assert_max_num_queries):
    dealer = DealerFactory()
    support = StaffUserFactory(groups=["support"])
    ours = make_ticket(dealer, title="ours")
    theirs = make_ticket(dealer, title="legal's")
    mine = make_ticket(dealer, title="assigned to me")
    done = make_ticket(dealer, title="resolved")
    Ticket.objects.filter(pk__in=[ours.pk, done.pk]).update(group="support")
    Ticket.objects.filter(pk__in=[theirs.pk, mine.pk]).update(group="legal")
    Ticket.objects.filter(pk=mine.pk).update(assignee=support)
    Ticket.objects.filter(pk=done.pk).update(status=Ticket.Status.RESOLVED)
    client.force_login(support)
    _queue(client)
    with django_assert_max_num_queries(15):
        response = _queue(client)
    assert {t.pk for t in response.context["cl"].result_list} == {ours.pk, mine.pk}
    everything = _queue(client, "?queue=all").context["cl"].result_list
    assert {t.pk for t in everything} == {ours.pk, theirs.pk, mine.pk, done.pk}


def test_breached_rows_are_marked_and_due_times_short(client):
    late = make_ticket(priority="emergency", opened_at=sh(2026, 11, 23, 9, 0))
    client.force_login(StaffUserFactory(is_superuser=True))
    page = _queue(client).content.decode()
    assert 'class="sla-breached"' in page
    assert "ticket_queue.css" in page
    due = late.resolution_due.astimezone(sh(2026, 1, 1).tzinfo)
    assert f"{due:%Y-%m-%d %H:%M}" in page
    assert f"{late.resolution_due.astimezone(dt.UTC):%Y-%m-%d %H:%M}" not in page


def test_the_timeline_is_in_words_and_pauses_on_the_manufacturers_clock(client):
    staff = StaffUserFactory(is_superuser=True)
    ticket = make_ticket(opened_at=sh(2026, 11, 23, 9, 0))
    services.ticket_transition(
        actor=staff, ticket=ticket, status="in_progress", at=sh(2026, 11, 23, 10, 0)
    )
    ticket.refresh_from_db()
    services.ticket_transition(
        actor=staff, ticket=ticket, status="waiting_on_dealer", at=sh(2026, 11, 23, 10, 15)
    )
    ticket.refresh_from_db()
    services.ticket_transition(
        actor=staff, ticket=ticket, status="in_progress", at=sh(2026, 11, 23, 11, 30)
    )
    client.force_login(staff)
    page = client.get(f"/admin/conflicts/ticket/{ticket.pk}/change/").content.decode()
    assert "in progress → waiting on dealer" in page.lower()
    assert '{"old"' not in page and "&quot;old&quot;" not in page
    assert "2026-11-23 10:15 – 2026-11-23 11:30" in page  # Shanghai, not 02:15 UTC
