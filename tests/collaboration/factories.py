"""Factories for meetings, action items, announcements, notifications."""

import datetime as dt

import factory

from collaboration.models import ActionItem, Announcement, Meeting
from portal.models import Notification
from tests.factories import DealerFactory, DealerUserFactory, StaffUserFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    dealer = factory.SubFactory(DealerFactory)
    title = factory.Sequence(lambda n: f"Monthly sync {n}")
    held_on = dt.date(2026, 11, 10)
    agenda = "Sales, stock, tickets"


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    dealer = factory.LazyAttribute(lambda o: (o.meeting or o.review).dealer)
    title = factory.Sequence(lambda n: f"Follow up {n}")
    owner = factory.SubFactory(StaffUserFactory)
    due_on = dt.date(2026, 12, 1)


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    kind = Announcement.Kind.NEW_PRODUCT
    title = factory.Sequence(lambda n: f"Announcement {n}")
    body = "Text"
    published_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 1, tzinfo=dt.UTC))


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(DealerUserFactory)
    kind = "test"
    title = factory.Sequence(lambda n: f"Notice {n}")


def dealer_user_of(dealer, username=None):
    """A user of ``dealer`` (get-or-create by username)."""
    from portal.models import User

    username = username or f"u-{dealer.code.lower()}"
    existing = User.objects.filter(username=username).first()
    return existing or DealerUserFactory(username=username, membership__dealer=dealer)
