"""Portal reads: meetings, action items, announcements, notifications (scoped by
``visible_to``)."""

from __future__ import annotations

from portal.models import Notification


def notification_list_for(user):
    """A user's own notifications (nobody else's, staff included), newest first."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def notification_unread_count(user) -> int:
    return notification_list_for(user).filter(read_at__isnull=True).count()
