"""`/api/v1/tickets/` with `comments/` and `transition/`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conflicts.models import Ticket, TicketComment
from tests.api_mixins import APIResourceTests
from tests.conflicts.factories import defaults, make_ticket

pytestmark = pytest.mark.django_db


class TestTicketsAPI(APIResourceTests):
    url = "/api/v1/tickets/"
    lookup_field = "pk"
    response_lookup_key = "id"
    list_max_queries = 6

    def make(self, dealer):
        return make_ticket(dealer)

    def create_payload(self, dealer):
        defaults()
        return {
            "dealer": dealer.code,
            "category": "product",
            "priority": "normal",
            "title": "Price",
        }

    def update_payload(self, obj):
        return {"priority": "high"}

    def test_fields(self, manufacturer_client, dealer):
        ticket = make_ticket(dealer, priority="emergency")
        body = manufacturer_client.get(f"{self.url}{ticket.pk}/").json()
        for key in ("first_response_due", "resolution_due", "sla_state", "escalation_level"):
            assert key in body
        assert body["sla_state"] == "on_track"
        assert body["sla_explanation"]["resolution"]["target_minutes"] == 240

    def test_dealer_key_opens_for_itself_without_naming_dealer(self, dealer_client, dealer):
        defaults()
        response = dealer_client.post(
            self.url, {"category": "logistics", "priority": "low", "title": "Late"}, format="json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["dealer"] == dealer.code

    def test_dealer_key_cannot_set_opened_at(self, dealer_client):
        defaults()
        past = (timezone.now() - timedelta(hours=3)).isoformat()
        response = dealer_client.post(
            self.url,
            {"category": "logistics", "priority": "low", "title": "Late", "opened_at": past},
            format="json",
        )
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert (error["attr"], error["code"]) == ("opened_at", "not_allowed")
        assert not Ticket.objects.exists()

    def test_dealer_key_cannot_open_for_another_dealer(self, dealer_client, other_dealer):
        defaults()
        response = dealer_client.post(
            self.url,
            {"dealer": other_dealer.code, "category": "other", "title": "x"},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == "dealer"
        assert not Ticket.objects.exists()

    def test_opened_at_in_future_is_refused(self, manufacturer_client, dealer):
        defaults()
        future = (timezone.now() + timedelta(hours=3)).isoformat()
        response = manufacturer_client.post(
            self.url,
            {"dealer": dealer.code, "category": "other", "title": "x", "opened_at": future},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "in_future"

    def test_dealer_cannot_change_priority(self, dealer_client, dealer):
        ticket = make_ticket(dealer)
        response = dealer_client.patch(
            f"{self.url}{ticket.pk}/", {"priority": "emergency"}, format="json"
        )
        assert response.status_code == 403
        ticket.refresh_from_db()
        assert ticket.priority == "normal"

    def test_filter_by_sla_state_and_status(self, manufacturer_client, dealer):
        late = make_ticket(
            dealer, priority="emergency", opened_at=timezone.now() - timedelta(hours=6)
        )
        fresh = make_ticket(dealer)
        rows = self.results(manufacturer_client.get(self.url + "?sla_state=breached"))
        assert [r["id"] for r in rows] == [late.pk]
        rows = self.results(
            manufacturer_client.get(self.url + "?status=open&dealer=" + dealer.code)
        )
        assert {r["id"] for r in rows} == {late.pk, fresh.pk}


class TestTicketComments:
    def test_comment_thread_and_first_response(self, manufacturer_client, dealer_client, dealer):
        ticket = make_ticket(dealer, opened_at=timezone.now() - timedelta(minutes=5))
        url = f"/api/v1/tickets/{ticket.pk}/comments/"
        r = manufacturer_client.post(url, {"body": "note", "internal": True}, format="json")
        assert r.status_code == 201, r.content
        r = manufacturer_client.post(url, {"body": "We are looking"}, format="json")
        assert r.status_code == 201
        r = dealer_client.post(url, {"body": "Thanks"}, format="json")
        assert r.status_code == 201
        dealer_view = dealer_client.get(url).json()
        assert [c["body"] for c in dealer_view] == ["We are looking", "Thanks"]
        staff_view = manufacturer_client.get(url).json()
        assert [c["body"] for c in staff_view] == ["note", "We are looking", "Thanks"]
        ticket.refresh_from_db()
        assert ticket.first_response_at is not None
        assert ticket.status == "in_progress"

    def test_dealer_cannot_post_internal(self, dealer_client, dealer):
        ticket = make_ticket(dealer)
        r = dealer_client.post(
            f"/api/v1/tickets/{ticket.pk}/comments/", {"body": "x", "internal": True}, format="json"
        )
        assert r.status_code == 400
        assert r.json()["errors"][0] == {
            "code": "not_allowed",
            "detail": "Only staff write internal notes.",
            "attr": "internal",
        }
        assert not TicketComment.objects.exists()

    def test_other_dealer_gets_404(self, other_dealer_client, dealer):
        ticket = make_ticket(dealer)
        r = other_dealer_client.post(
            f"/api/v1/tickets/{ticket.pk}/comments/", {"body": "x"}, format="json"
        )
        assert r.status_code == 404
        assert other_dealer_client.get(f"/api/v1/tickets/{ticket.pk}/comments/").status_code == 404
        assert not TicketComment.objects.exists()

    def test_counterparty_reads_public_thread(
        self, other_dealer_client, manufacturer_client, dealer, other_dealer
    ):
        ticket = make_ticket(dealer, category="channel", counterparty=other_dealer)
        url = f"/api/v1/tickets/{ticket.pk}/comments/"
        manufacturer_client.post(url, {"body": "public"}, format="json")
        manufacturer_client.post(url, {"body": "internal", "internal": True}, format="json")
        assert [c["body"] for c in other_dealer_client.get(url).json()] == ["public"]
        assert (
            other_dealer_client.get(f"/api/v1/tickets/{ticket.pk}/").json()["counterparty"]
            == other_dealer.code
        )


class TestTicketTransition:
    def test_staff_moves_with_at(self, manufacturer_client, dealer):
        opened = timezone.now() - timedelta(hours=2)
        ticket = make_ticket(dealer, opened_at=opened)
        url = f"/api/v1/tickets/{ticket.pk}/transition/"
        at = (opened + timedelta(minutes=30)).isoformat()
        r = manufacturer_client.post(url, {"status": "in_progress", "at": at}, format="json")
        assert r.status_code == 200, r.content
        r = manufacturer_client.post(url, {"status": "waiting_on_dealer"}, format="json")
        assert r.json()["sla_state"] == "paused"
        assert r.json()["resolution_due"] is None
        r = manufacturer_client.post(url, {"status": "closed"}, format="json")
        assert r.status_code == 400
        assert r.json()["errors"][0]["code"] == "invalid_transition"

    def test_at_before_last_event_is_refused(self, manufacturer_client, dealer):
        ticket = make_ticket(dealer, opened_at=timezone.now() - timedelta(hours=1))
        r = manufacturer_client.post(
            f"/api/v1/tickets/{ticket.pk}/transition/",
            {"status": "in_progress", "at": (timezone.now() - timedelta(hours=2)).isoformat()},
            format="json",
        )
        assert r.status_code == 400
        assert r.json()["errors"][0]["attr"] == "at"
        ticket.refresh_from_db()
        assert ticket.status == "open"

    def test_dealer_cannot_resolve(self, dealer_client, dealer):
        ticket = make_ticket(dealer)
        r = dealer_client.post(
            f"/api/v1/tickets/{ticket.pk}/transition/", {"status": "in_progress"}, format="json"
        )
        assert r.status_code == 400
        assert r.json()["errors"][0]["code"] == "not_allowed"

    def test_other_dealer_transition_is_404(self, other_dealer_client, dealer):
        ticket = make_ticket(dealer)
        r = other_dealer_client.post(
            f"/api/v1/tickets/{ticket.pk}/transition/", {"status": "in_progress"}, format="json"
        )
        assert r.status_code == 404

    def test_suspended_dealer_is_read_only(self, dealer_client, dealer):
        ticket = make_ticket(dealer)
        dealer.status = "suspended"
        dealer.save()
        r = dealer_client.post(
            f"/api/v1/tickets/{ticket.pk}/comments/", {"body": "x"}, format="json"
        )
        assert r.status_code == 403
        assert not TicketComment.objects.exists()


class TestTicketAttachments:
    PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

    def test_upload_and_list(self, dealer_client, other_dealer_client, dealer, settings, tmp_path):
        from django.core.files.uploadedfile import SimpleUploadedFile

        settings.MEDIA_ROOT = tmp_path
        ticket = make_ticket(dealer)
        url = f"/api/v1/tickets/{ticket.pk}/attachments/"
        r = dealer_client.post(
            url, {"file": SimpleUploadedFile("x.bin", self.PNG)}, format="multipart"
        )
        assert r.status_code == 201, r.content
        assert r.json()["content_type"] == "image/png"
        r = dealer_client.post(
            url, {"file": SimpleUploadedFile("x.pdf", b"GIF89a")}, format="multipart"
        )
        assert r.status_code == 400
        assert r.json()["errors"][0]["code"] == "invalid_type"
        assert [a["name"] for a in dealer_client.get(url).json()] == ["x.bin"]
        assert other_dealer_client.get(url).status_code == 404


def test_comment_list_query_count_is_constant(
    manufacturer_client, dealer, django_assert_max_num_queries
):
    from conflicts.services import ticket_comment
    from tests.factories import StaffUserFactory

    staff = StaffUserFactory(is_superuser=True)
    ticket = make_ticket(dealer)
    url = f"/api/v1/tickets/{ticket.pk}/comments/"
    for i in range(2):
        ticket_comment(actor=staff, ticket=ticket, body=f"c{i}")
    manufacturer_client.get(url)
    with django_assert_max_num_queries(6):
        assert len(manufacturer_client.get(url).json()) == 2
    for i in range(6):
        ticket_comment(actor=staff, ticket=ticket, body=f"more{i}", internal=bool(i % 2))
    with django_assert_max_num_queries(6):
        assert len(manufacturer_client.get(url).json()) == 8


def test_ticket_list_json_is_what_the_declared_fields_give(manufacturer_client, dealer):
    """The hand-written representation of a listed ticket (issue 13) renders exactly as DRF's
    field-by-field one: nulls, a counter-party, an assignee, a subject, a resolved ticket."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from rest_framework import serializers as drf

    from conflicts.api.serializers import TicketSerializer
    from dealers.models import Dealer
    from tests.factories import DealerFactory

    other = DealerFactory()
    make_ticket(dealer, priority="emergency")
    make_ticket(dealer, category="channel", counterparty=other, title="Territory")
    assigned = make_ticket(dealer, priority="low")
    staff = get_user_model().objects.create_user("queue-owner")
    Ticket.objects.filter(pk=assigned.pk).update(
        assignee=staff, resolved_at=timezone.now(), status="resolved", escalation_level=2
    )
    subject = make_ticket(dealer)
    Ticket.objects.filter(pk=subject.pk).update(
        subject_type=ContentType.objects.get_for_model(Dealer), subject_id=other.pk
    )
    tickets = list(
        Ticket.objects.select_related("dealer", "counterparty", "region", "assignee").order_by("pk")
    )
    fast = TicketSerializer(tickets, many=True).data
    generic = drf.Serializer.to_representation
    slow = [generic(TicketSerializer(ticket), ticket) for ticket in tickets]
    assert [dict(row) for row in fast] == [dict(row) for row in slow]
    assert {row["assignee"] for row in fast} == {None, "queue-owner"}
    assert any(row["counterparty"] == other.code for row in fast)
    assert any(row["subject"] for row in fast)
    body = manufacturer_client.get("/api/v1/tickets/?page_size=100").json()
    by_id = sorted((dict(row) for row in slow), key=lambda row: row["id"])
    assert sorted(body["results"], key=lambda row: row["id"]) == by_id


def test_ticket_list_sla_state_is_the_one_the_database_filters_by(manufacturer_client, dealer):
    """The list computes the page's SLA states in Python (calculations.sla_state); they are
    the states ``?sla_state=`` filters by in SQL (selectors.sla_state_annotation), in every
    case: on track, at risk, breached (due passed, answered late), paused, met, met late."""
    now = timezone.now()
    hour = timedelta(hours=1)
    future = {"first_response_due": now + hour, "resolution_due": now + 2 * hour}
    cases = {
        "on track": {**future, "warning_at": now + hour},
        "at risk": {**future, "warning_at": now - hour},
        "due passed": {"first_response_due": now - hour, "resolution_due": now + hour},
        "answered late": {
            **future,
            "first_response_at": now - hour,
            "first_response_due": now - 2 * hour,
        },
        "paused": {**future, "status": "waiting_on_dealer"},
        "met": {"status": "resolved", "resolved_within_target": True, "resolved_at": now},
        "met late": {"status": "closed", "resolved_within_target": False, "resolved_at": now},
    }
    for title, fields in cases.items():
        Ticket.objects.filter(pk=make_ticket(dealer, title=title).pk).update(**fields)
    rows = manufacturer_client.get("/api/v1/tickets/?page_size=100").json()["results"]
    listed = {row["title"]: row["sla_state"] for row in rows}
    assert listed == {
        "on track": "on_track",
        "at risk": "at_risk",
        "due passed": "breached",
        "answered late": "breached",
        "paused": "paused",
        "met": "met",
        "met late": "breached",
    }
    for state in set(listed.values()):
        url = f"/api/v1/tickets/?page_size=100&sla_state={state}"
        filtered = {row["title"] for row in manufacturer_client.get(url).json()["results"]}
        assert filtered == {title for title, s in listed.items() if s == state}
