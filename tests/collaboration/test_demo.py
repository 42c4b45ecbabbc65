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
    assert counts[:4] == (3, 1, 3, 1)
    assert QuarterlyReview.objects.get().status == "final"
    assert Notification.objects.filter(recipient__username="gz-owner").exists()
    assert not AnnouncementReceipt.objects.exists()
    assert "gz-owner" in capsys.readouterr().out
