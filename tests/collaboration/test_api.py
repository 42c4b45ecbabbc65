"""API of meetings, action items, announcements and notifications."""

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from collaboration.models import ActionItem, Announcement, AnnouncementReceipt, Meeting
from portal.models import Notification
from tests.api_mixins import APIResourceTests
from tests.collaboration.factories import (
    ActionItemFactory,
    AnnouncementFactory,
    MeetingFactory,
    NotificationFactory,
    dealer_user_of,
)
from tests.factories import StaffUserFactory, region_tree, tier

pytestmark = pytest.mark.django_db


def session_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


class TestMeetingsAPI(APIResourceTests):
    url = "/api/v1/meetings/"
    lookup_field = "pk"
    response_lookup_key = "id"
    list_max_queries = 6

    def make(self, dealer):
        return MeetingFactory(dealer=dealer)

    def create_payload(self, dealer):
        return {"dealer": dealer.code, "title": "Q4 kick-off", "held_on": "2026-11-20"}

    def update_payload(self, obj):
        return {"minutes": "We agreed on the plan."}


def test_dealer_creates_a_meeting_for_itself_only(dealer_client, dealer, other_dealer):
    response = dealer_client.post(
        "/api/v1/meetings/", {"title": "Sync", "held_on": "2026-11-20"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["dealer"] == dealer.code
    response = dealer_client.post(
        "/api/v1/meetings/",
        {"title": "Sync", "held_on": "2026-11-20", "dealer": other_dealer.code},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "dealer"
    assert Meeting.objects.filter(dealer=other_dealer).count() == 0


def test_suspended_dealer_cannot_write_meetings(dealer_client, dealer):
    meeting = MeetingFactory(dealer=dealer)
    dealer.status = "suspended"
    dealer.save()
    response = dealer_client.patch(
        f"/api/v1/meetings/{meeting.pk}/", {"minutes": "x"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "dealer_read_only"
    meeting.refresh_from_db()
    assert meeting.minutes == ""


class TestActionItemsAPI(APIResourceTests):
    url = "/api/v1/action-items/"
    response_lookup_key = "id"
    list_max_queries = 6

    def make(self, dealer):
        return ActionItemFactory(meeting=MeetingFactory(dealer=dealer))

    def create_payload(self, dealer):
        meeting = MeetingFactory(dealer=dealer)
        owner = dealer_user_of(dealer)
        return {
            "meeting": meeting.pk,
            "title": "Send forecast",
            "owner": owner.username,
            "due_on": "2026-12-05",
        }

    def update_payload(self, obj):
        return {"status": "done"}


def test_dealer_updates_its_action_item_and_completion_is_recorded(dealer_client, dealer):
    item = ActionItemFactory(meeting=MeetingFactory(dealer=dealer))
    response = dealer_client.patch(
        f"/api/v1/action-items/{item.pk}/", {"status": "done"}, format="json"
    )
    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at is not None


def test_action_item_owner_must_be_staff_or_the_dealers_user(dealer_client, dealer, other_dealer):
    meeting = MeetingFactory(dealer=dealer)
    stranger = dealer_user_of(other_dealer)
    response = dealer_client.post(
        "/api/v1/action-items/",
        {"meeting": meeting.pk, "title": "x", "owner": stranger.username, "due_on": "2026-12-05"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "owner"
    assert not ActionItem.objects.exists()


def test_new_action_item_notifies_its_owner(manufacturer_client, dealer, mailoutbox):
    meeting = MeetingFactory(dealer=dealer)
    owner = dealer_user_of(dealer)
    response = manufacturer_client.post(
        "/api/v1/action-items/",
        {
            "meeting": meeting.pk,
            "title": "Send forecast",
            "owner": owner.username,
            "due_on": "2026-12-05",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    note = Notification.objects.get(recipient=owner)
    assert note.title == "Action item for you: Send forecast"
    assert note.url == f"/meetings/{meeting.pk}/"


class TestAnnouncementsAPI(APIResourceTests):
    url = "/api/v1/announcements/"
    response_lookup_key = "id"
    dealer_scoped = True
    list_max_queries = 8

    def make(self, dealer):
        announcement = AnnouncementFactory(audience="selected")
        announcement.dealers.add(dealer)
        return announcement

    def create_payload(self, dealer):
        return {
            "kind": "campaign",
            "title": "Spring campaign",
            "body": "Discounts allowed",
            "discount_min": "5.00",
            "discount_max": "15.00",
            "audience": "selected",
            "dealers": [dealer.code],
        }

    def update_payload(self, obj):
        return {"title": "Renamed"}


def test_announcement_audience_by_region_and_tier(dealer_client, dealer):
    tree = region_tree()
    by_region = AnnouncementFactory(audience="selected", title="GD only")
    by_region.regions.add(tree["CN-GD"])  # the dealer is in CN-GD-SZ
    by_other_region = AnnouncementFactory(audience="selected", title="BJ only")
    by_other_region.regions.add(tree["CN-BJ"])
    by_tier = AnnouncementFactory(audience="selected", title="Experts")
    by_tier.tiers.add(tier("expert"))
    everyone = AnnouncementFactory(title="All")
    AnnouncementFactory(title="Draft", published_at=None)
    titles = {row["title"] for row in dealer_client.get("/api/v1/announcements/").json()["results"]}
    assert titles == {"GD only", "All"}
    assert "dealers" not in dealer_client.get(f"/api/v1/announcements/{everyone.pk}/").json()


def test_campaign_needs_a_discount_range(manufacturer_client):
    response = manufacturer_client.post(
        "/api/v1/announcements/",
        {"kind": "campaign", "title": "C", "body": "b", "discount_min": "20", "discount_max": "10"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "invalid",
            "detail": "The minimum discount cannot be greater than the maximum.",
            "attr": "non_field_errors",
        }
    ]
    response = manufacturer_client.post(
        "/api/v1/announcements/", {"kind": "campaign", "title": "C", "body": "b"}, format="json"
    )
    assert {(e["attr"], e["code"]) for e in response.json()["errors"]} == {
        ("discount_min", "required"),
        ("discount_max", "required"),
    }
    assert not Announcement.objects.exists()


def test_read_records_one_receipt_per_user(dealer):
    user = dealer_user_of(dealer)
    announcement = AnnouncementFactory()
    client = session_client(user)
    for _ in range(2):
        response = client.post(f"/api/v1/announcements/{announcement.pk}/read/")
        assert response.status_code == 200, response.content
    assert AnnouncementReceipt.objects.filter(user=user, announcement=announcement).count() == 1
    row = client.get(f"/api/v1/announcements/{announcement.pk}/").json()
    assert row["is_read"] is True


def test_read_by_an_api_key_is_a_clear_error(dealer_client):
    announcement = AnnouncementFactory()
    response = dealer_client.post(f"/api/v1/announcements/{announcement.pk}/read/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "user_required"
    assert not AnnouncementReceipt.objects.exists()


def test_publish_notifies_the_audience(manufacturer_client, dealer, other_dealer):
    user, other = dealer_user_of(dealer), dealer_user_of(other_dealer)
    announcement = AnnouncementFactory(
        published_at=None, audience="selected", title="Price list 2027"
    )
    announcement.dealers.add(dealer)
    response = manufacturer_client.post(f"/api/v1/announcements/{announcement.pk}/publish/")
    assert response.status_code == 200, response.content
    assert response.json()["published_at"]
    assert Notification.objects.filter(recipient=user, kind="announcement").count() == 1
    assert not Notification.objects.filter(recipient=other).exists()


class TestNotificationsAPI(APIResourceTests):
    """Notifications are strictly the caller's own: each client here is a person."""

    url = "/api/v1/notifications/"
    response_lookup_key = "id"
    list_max_queries = 5

    @pytest.fixture
    def dealer_client(self, dealer):
        return session_client(dealer_user_of(dealer))

    @pytest.fixture
    def manufacturer_client(self, db):
        client = session_client(StaffUserFactory(username="notified-staff"))
        return client

    def make(self, dealer):
        return NotificationFactory(recipient=dealer_user_of(dealer))

    def test_manufacturer_lists_and_retrieves(self, manufacturer_client, dealer, other_dealer):
        from portal.models import User

        mine = NotificationFactory(recipient=User.objects.get(username="notified-staff"))
        theirs = self.make(other_dealer)
        ids = {row["id"] for row in self.results(manufacturer_client.get(self.url))}
        assert ids == {mine.pk}
        assert manufacturer_client.get(self.detail_url(theirs)).status_code == 404

    def test_list_query_count_is_constant(self, manufacturer_client, django_assert_max_num_queries):
        from portal.models import User

        staff = User.objects.get(username="notified-staff")
        NotificationFactory.create_batch(2, recipient=staff)
        manufacturer_client.get(self.url)
        NotificationFactory.create_batch(8, recipient=staff)
        with django_assert_max_num_queries(self.list_max_queries):
            rows = self.results(manufacturer_client.get(self.url))
        assert len(rows) == 10


def test_mark_read_and_read_all(dealer):
    user = dealer_user_of(dealer)
    first, _second = NotificationFactory.create_batch(2, recipient=user)
    other = NotificationFactory()
    client = session_client(user)
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    response = client.post(f"/api/v1/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    assert client.post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked_read": 1}
    other.refresh_from_db()
    assert other.read_at is None
    assert client.get("/api/v1/notifications/?unread=1").json()["results"] == []


def test_api_keys_have_no_notifications(dealer_client, dealer):
    NotificationFactory(recipient=dealer_user_of(dealer))
    assert dealer_client.get("/api/v1/notifications/").json()["results"] == []


def test_action_items_of_draft_reviews_are_hidden_from_dealers(
    dealer_client, manufacturer_client, dealer
):
    """Staff's improvement plan is work in progress until the review is final (§8): the
    dealer sees neither the draft review nor its action items, by API or in the portal."""
    from reviews.models import QuarterlyReview

    draft = QuarterlyReview.objects.create(dealer=dealer, quarter="2026Q3")
    final = QuarterlyReview.objects.create(
        dealer=dealer, quarter="2026Q2", status="final", finalised_at=timezone.now()
    )
    hidden = ActionItemFactory(meeting=None, review=draft, title="Draft plan item")
    shown = ActionItemFactory(meeting=None, review=final, title="Final plan item")
    meeting_item = ActionItemFactory(meeting=MeetingFactory(dealer=dealer))
    listed = {row["id"] for row in dealer_client.get("/api/v1/action-items/").json()["results"]}
    assert listed == {shown.pk, meeting_item.pk}
    assert dealer_client.get(f"/api/v1/action-items/{hidden.pk}/").status_code == 404
    patch = dealer_client.patch(
        f"/api/v1/action-items/{hidden.pk}/", {"status": "done"}, format="json"
    )
    assert patch.status_code == 404
    staff_listed = {
        row["id"] for row in manufacturer_client.get("/api/v1/action-items/").json()["results"]
    }
    assert hidden.pk in staff_listed
    web = Client()
    web.force_login(dealer_user_of(dealer))
    page = web.get("/action-items/").content.decode()
    assert "Final plan item" in page and "Draft plan item" not in page
