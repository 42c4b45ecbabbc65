"""Portal pages: dashboards, notification centre, announcements, meetings, action items;
services and the reminder job."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from collaboration import services
from collaboration.models import ActionItem, AnnouncementReceipt, Meeting
from portal.models import JobRun, Notification
from reviews.models import QuarterlyReview
from tests.collaboration.factories import (
    ActionItemFactory,
    AnnouncementFactory,
    MeetingFactory,
    NotificationFactory,
    dealer_user_of,
)
from tests.dashboards.test_dashboards import DEALER_DASHBOARD_QUERIES
from tests.factories import DealerFactory, StaffUserFactory, region_tree
from tests.reviews.factories import sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return StaffUserFactory(is_superuser=True, username="boss")


# --- dashboards ---------------------------------------------------------------------------


def _now():
    from portal.clock import manufacturer_now

    return manufacturer_now()


def test_staff_dashboard_sales_by_region_month_with_filters(client, staff):
    tree = region_tree()
    sz = DealerFactory(code="SZ1", region=tree["CN-GD-SZ"])
    gz = DealerFactory(code="GZ1", region=tree["CN-GD-GZ"])
    bj = DealerFactory(code="BJ1", region=tree["CN-BJ"])
    now = _now().replace(tzinfo=None)
    this_month = now.replace(day=1, hour=12)
    sale(sz, "100.00", this_month)
    sale(gz, "50.50", this_month)
    sale(bj, "70.00", this_month)
    sale(bj, "999.00", this_month.replace(year=this_month.year - 2))  # outside every period
    client.force_login(staff)
    response = client.get(reverse("home"))
    sales = response.context["sales"]
    month = f"{this_month:%Y-%m}"
    assert sales["rows"]["CN-GD"][month] == Decimal("150.50")
    assert sales["rows"]["CN-BJ"][month] == Decimal("70.00")
    assert sales["totals"][month] == Decimal("220.50")
    assert len(sales["months"]) == 6
    page = response.content.decode()
    assert 'id="chart-sales"' in page and 'id="table-sales"' in page and "150.50" in page
    response = client.get(reverse("home"), {"region": "CN-BJ", "period": "3m"})
    assert list(response.context["sales"]["rows"]) == ["CN-BJ"]
    assert len(response.context["sales"]["months"]) == 3
    tiers = {t["code"]: t["count"] for t in response.context["tiers"]}
    assert tiers["registered"] == 1  # only BJ1 in CN-BJ
    assert 'id="panel-escalations"' in page and 'id="panel-stock-alerts"' in page


def test_staff_dashboard_ranks_dealers_by_attainment(client, staff):
    for code, value in [("A", "1.2"), ("B", "0.5"), ("C", "0.9")]:
        QuarterlyReview.objects.create(
            dealer=DealerFactory(code=code), quarter="2026Q4", attainment=Decimal(value)
        )
    QuarterlyReview.objects.create(dealer=DealerFactory(code="OLD"), quarter="2026Q3", attainment=2)
    client.force_login(staff)
    response = client.get(reverse("home"))
    assert response.context["quarter"] == "2026Q4"
    assert [r.dealer.code for r in response.context["top_dealers"]] == ["A", "C", "B"]
    assert [r.dealer.code for r in response.context["bottom_dealers"]] == ["B", "C", "A"]


def test_staff_dashboard_query_count(client, staff, django_assert_max_num_queries):
    for i in range(6):
        d = DealerFactory()
        sale(d, "10.00", _now().replace(tzinfo=None, day=1, hour=12))
        QuarterlyReview.objects.create(dealer=d, quarter="2026Q4", attainment=Decimal(i))
    client.force_login(staff)
    client.get(reverse("home"))
    # session, user, regions, sales, latest quarter, top, bottom, tier counts, tiers,
    # open escalations, stock alerts (rows of those: tests.dashboards.test_dashboards.py),
    # price discipline by region and by dealer, and the other groups' sections a
    # superuser sees (tests.dashboards.test_homes)
    with django_assert_max_num_queries(25):  # + MDF claims to decide, deals to decide (2)
        assert client.get(reverse("home")).status_code == 200


def test_dealer_dashboard(client, dealer, other_dealer, django_assert_max_num_queries):
    user = dealer_user_of(dealer)
    sale(dealer, "1234.50", _now().replace(tzinfo=None, day=1, hour=0, minute=5))
    sale(other_dealer, "999.00", _now().replace(tzinfo=None, day=1, hour=0, minute=5))
    today = _now().date()
    for i in range(3):
        ActionItemFactory(meeting=MeetingFactory(dealer=dealer), title=f"Mine {i}", due_on=today)
    ActionItemFactory(meeting=MeetingFactory(dealer=other_dealer), title="Theirs", due_on=today)
    AnnouncementFactory(title="Hello dealers")
    NotificationFactory(recipient=user, title="Ping")
    client.force_login(user)
    client.get(reverse("home"))
    # see test_dashboards.test_dealer_dashboard_query_count_does_not_grow for the list
    with django_assert_max_num_queries(DEALER_DASHBOARD_QUERIES):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.context["mtd_sales"] == Decimal("1234.50")
    assert "Mine 0" in page and "Theirs" not in page
    assert "Hello dealers" in page and "Ping" in page
    assert 'id="chart-monthly"' in page and 'id="table-monthly"' in page


# --- notification centre -------------------------------------------------------------------


def test_notification_centre_lists_own_and_marks_read(client, dealer):
    user = dealer_user_of(dealer)
    mine = NotificationFactory(recipient=user, title="For me")
    theirs = NotificationFactory(title="Not for me")
    client.force_login(user)
    badge = client.get(reverse("site:notification-badge")).content.decode()
    assert ">1<" in badge
    page = client.get(reverse("site:notification-list")).content.decode()
    assert "For me" in page and "Not for me" not in page
    assert client.post(reverse("site:notification-read", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("site:notification-read", args=[mine.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Mark read" not in response.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_notification_list_query_count(client, dealer, django_assert_max_num_queries):
    user = dealer_user_of(dealer)
    NotificationFactory.create_batch(10, recipient=user)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("site:notification-list")).status_code == 200


# --- announcements ------------------------------------------------------------------------


def test_reading_an_announcement_records_a_receipt(client, dealer, other_dealer, staff):
    user = dealer_user_of(dealer)
    addressed = AnnouncementFactory(
        audience="selected", kind="campaign", discount_min=5, discount_max=12
    )
    addressed.dealers.add(dealer)
    hidden = AnnouncementFactory(audience="selected")
    hidden.dealers.add(other_dealer)
    client.force_login(user)
    assert (
        client.get(reverse("collaboration:announcement-detail", args=[hidden.pk])).status_code
        == 404
    )
    page = client.get(
        reverse("collaboration:announcement-detail", args=[addressed.pk])
    ).content.decode()
    assert "Allowed discount: 5.00 % to 12.00 %." in page
    client.get(reverse("collaboration:announcement-detail", args=[addressed.pk]))
    assert AnnouncementReceipt.objects.filter(user=user).count() == 1
    client.force_login(staff)
    page = client.get(
        reverse("collaboration:announcement-detail", args=[addressed.pk])
    ).content.decode()
    assert user.username in page or user.get_full_name() in page
    assert (
        not AnnouncementReceipt.objects.filter(user=staff).exclude(announcement=addressed).exists()
    )


def test_announcement_list_query_count(client, dealer, django_assert_max_num_queries):
    user = dealer_user_of(dealer)
    AnnouncementFactory.create_batch(8)
    client.force_login(user)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("collaboration:announcement-list")).status_code == 200


def test_publish_sends_in_each_users_language(staff, dealer):
    user = dealer_user_of(dealer)
    user.preferred_language = "zh-hans"
    user.save()
    announcement = AnnouncementFactory(published_at=None, title="2027 价格")
    services.announcement_publish(actor=staff, announcement=announcement)
    services.announcement_publish(actor=staff, announcement=announcement)  # idempotent
    note = Notification.objects.get(recipient=user)
    with translation.override(user.preferred_language):
        assert note.display_title == "新公告：2027 价格"


# --- meetings and action items ------------------------------------------------------------


def test_dealer_creates_meeting_and_action_item_in_portal(client, dealer, staff):
    user = dealer_user_of(dealer)
    client.force_login(user)
    response = client.post(
        reverse("collaboration:meeting-create"),
        {
            "title": "November sync",
            "held_on": "2026-11-20",
            "agenda": "Stock",
            "minutes": "",
            "decisions": "",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.dealer == dealer and meeting.created_by == user
    response = client.post(
        reverse("collaboration:meeting-add-action-item", args=[meeting.pk]),
        {"title": "Send forecast", "owner": staff.pk, "due_on": "2026-12-01", "description": ""},
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.dealer, item.owner) == (dealer, staff)
    assert Notification.objects.get(recipient=staff).kind == "action_item_assigned"
    response = client.post(
        reverse("collaboration:action-item-status", args=[item.pk]),
        {"status": "done"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at is not None


def test_other_dealers_meeting_is_404_and_suspended_dealer_is_read_only(
    client, dealer, other_dealer
):
    user = dealer_user_of(dealer)
    theirs = MeetingFactory(dealer=other_dealer)
    mine = MeetingFactory(dealer=dealer)
    item = ActionItemFactory(meeting=mine)
    client.force_login(user)
    assert client.get(reverse("collaboration:meeting-detail", args=[theirs.pk])).status_code == 404
    dealer.status = "suspended"
    dealer.save()
    assert (
        client.post(
            reverse("collaboration:action-item-status", args=[item.pk]), {"status": "done"}
        ).status_code
        == 403
    )
    item.refresh_from_db()
    assert item.status == "open"
    assert client.get(reverse("collaboration:meeting-create")).status_code == 403


def test_meeting_list_query_count(client, staff, django_assert_max_num_queries):
    for _ in range(8):
        MeetingFactory()
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("collaboration:meeting-list")).status_code == 200


def test_action_item_list_query_count(client, staff, django_assert_max_num_queries):
    for _ in range(8):
        ActionItemFactory()
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("collaboration:action-item-list")).status_code == 200


# --- reminders -----------------------------------------------------------------------------


def test_reminders_go_once_per_due_date(dealer):
    owner = dealer_user_of(dealer)
    meeting = MeetingFactory(dealer=dealer)
    due_soon = ActionItemFactory(
        meeting=meeting, owner=owner, due_on=dt.date(2026, 12, 3), title="Soon"
    )
    overdue = ActionItemFactory(
        meeting=meeting, owner=owner, due_on=dt.date(2026, 11, 20), title="Late"
    )
    ActionItemFactory(meeting=meeting, owner=owner, due_on=dt.date(2026, 12, 30), title="Later")
    ActionItemFactory(meeting=meeting, owner=owner, due_on=dt.date(2026, 12, 1), status="done")
    now = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    assert services.action_items_remind(now=now) == 2
    assert services.action_items_remind(now=now) == 0
    titles = set(
        Notification.objects.filter(kind="action_item_due").values_list("title", flat=True)
    )
    assert titles == {"Action item due soon: Soon", "Overdue action item: Late"}
    # Moving the due date re-arms the reminder.
    services.action_item_update(actor=owner, item=due_soon, due_on=dt.date(2026, 12, 2))
    assert services.action_items_remind(now=now) == 1
    overdue.refresh_from_db()
    assert overdue.reminder_sent_at == now


def test_reminder_command_records_a_job_run(dealer, capsys):
    ActionItemFactory(meeting=MeetingFactory(dealer=dealer), due_on=dt.date(2026, 12, 2))
    call_command("send_action_item_reminders", "--now", "2026-12-01T09:00:00+08:00")
    assert "1 reminders sent" in capsys.readouterr().out
    run = JobRun.objects.get(job="action_item_reminders")
    assert (run.status, run.counts, run.started_by) == (
        "succeeded",
        {"reminded": 1},
        "command:send_action_item_reminders",
    )


def test_channel_managers_may_run_the_review_workflow():
    from django.contrib.auth.models import Group

    perms = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name="channel_manager").permissions.select_related(
            "content_type"
        )
    }
    assert {
        "collaboration.add_meeting",
        "collaboration.publish_announcement",
        "reviews.change_quarterlyreview",
        "reviews.finalise_quarterlyreview",
    } <= perms


def test_failed_runs_can_be_queued_again_from_the_admin(
    client, staff, monkeypatch, django_capture_on_commit_callbacks
):
    from celery import current_app

    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, kwargs: sent.append((name, kwargs)))
    failed = JobRun.objects.create(
        job="quarterly_reviews",
        params={"quarter": "2026Q4", "dealer": None},
        started_by="x",
        status="failed",
    )
    done = JobRun.objects.create(
        job="quarterly_reviews", params={}, started_by="x", status="succeeded"
    )
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:portal_jobrun_changelist"),
            {"action": "rerun", "_selected_action": [failed.pk, done.pk]},
            follow=True,
        )
    assert "1 runs queued again; 1 skipped" in response.content.decode()
    assert sent == [("reviews.tasks.quarterly_reviews", {"quarter": "2026Q4", "dealer": None})]


def test_staff_announcement_list_is_newest_first(client):
    """The staff list counts receipts (a GROUP BY, where Meta.ordering does not apply): the
    order is still newest first."""
    client.force_login(StaffUserFactory(is_superuser=True))
    published = [dt.datetime(2026, 11, day, tzinfo=dt.UTC) for day in (3, 1, 5, 2)]
    rows = [AnnouncementFactory(published_at=at) for at in published]
    response = client.get(reverse("collaboration:announcement-list"))
    listed = [a.pk for a in response.context["page"].object_list]
    assert listed == [rows[2].pk, rows[0].pk, rows[3].pk, rows[1].pk]
