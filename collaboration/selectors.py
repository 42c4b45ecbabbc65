"""Portal reads: meetings, action items, announcements, notifications (scoped by
``visible_to``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch

from collaboration.models import ActionItem, Announcement, AnnouncementReceipt, Meeting
from portal.access import actor_from


def meeting_list_visible_to(who):
    return Meeting.objects.visible_to(who).select_related("dealer", "created_by")


def meeting_detail_visible_to(who):
    items = ActionItem.objects.select_related("owner").order_by("due_on", "pk")
    return meeting_list_visible_to(who).prefetch_related(Prefetch("action_items", queryset=items))


def action_item_list_visible_to(who):
    return ActionItem.objects.visible_to(who).select_related("dealer", "owner", "meeting", "review")


def action_items_due(who, *, today: dt.date, within_days: int = 14):
    """Open action items due by ``today + within_days`` (overdue included), soonest first."""
    return (
        action_item_list_visible_to(who)
        .filter(status__in=ActionItem.OPEN_STATUSES, due_on__lte=today + dt.timedelta(within_days))
        .order_by("due_on", "pk")
    )


def announcement_list_visible_to(who, *, user=None):
    """Announcements ``who`` may see, annotated with ``is_read`` for ``user`` and, for
    staff, ``receipt_count``."""
    qs = Announcement.objects.visible_to(who)
    if user is not None and user.is_authenticated:
        qs = qs.annotate(
            is_read=Exists(
                AnnouncementReceipt.objects.filter(announcement=OuterRef("pk"), user=user)
            )
        )
    if actor_from(who).manufacturer:
        qs = qs.annotate(receipt_count=Count("receipts", distinct=True))
    # Explicit: Meta.ordering is ignored in a GROUP BY query (the receipt count).
    return qs.order_by("-published_at", "-pk")
