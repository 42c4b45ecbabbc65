import pytest
from django.core.management import call_command

from collaboration.models import ActionItem, Announcement, AnnouncementReceipt, Meeting
from portal.models import Notification
from reviews.models import QuarterlyReview

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (
        Announcement.objects.count(),
        Meeting.objects.count(),
        ActionItem.objects.count(),
        QuarterlyReview.objects.count(),
        Notification.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        Announcement.objects.count(),
        Meeting.objects.count(),
        ActionItem.objects.count(),
        QuarterlyReview.objects.count(),
        Notification.objects.count(),
    )
    assert counts[0] >= 3 and counts[1:3] == (1, 3)  # other apps' demos announce too
    # every demo dealer has its reviews of the last two quarters; one is final
    by_quarter = {}
    for quarter in QuarterlyReview.objects.values_list("quarter", flat=True):
        by_quarter[quarter] = by_quarter.get(quarter, 0) + 1
    assert len(by_quarter) == 2 and set(by_quarter.values()) == {4}
    assert QuarterlyReview.objects.filter(status="final").count() == 1
    assert Notification.objects.filter(recipient__username="gz-owner").exists()
    assert not AnnouncementReceipt.objects.exists()
    out = capsys.readouterr().out
    assert "gz-owner" in out
    # what the demo holds, counted in the database, not a fixed text
    assert "The demo holds:" in out
    for label, count in (("announcements", counts[0]), ("meetings", 1)):
        assert f"{count:>6}  {label}" in out
    for quarter, count in by_quarter.items():
        assert f"{count:>6}  quarterly reviews {quarter}" in out
