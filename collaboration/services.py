"""Services of working together: meetings, action items and announcements (DOMAIN.md §9)."""

from __future__ import annotations

import datetime as _dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from collaboration.models import ActionItem, Announcement, AnnouncementReceipt, Meeting
from dealers.models import Dealer
from dealers.selectors import dealer_can_write, dealer_read_only_message
from portal.access import Actor, actor_from
from portal.clock import manufacturer_date
from portal.messages import Message
from portal.models import User
from portal.notifications import notification_send

MEETING_FIELDS = ("title", "held_on", "agenda", "minutes", "decisions")
ACTION_ITEM_FIELDS = ("title", "description", "owner", "due_on", "status")


def ensure_can_edit_dealer_data(*, actor: Actor, dealer) -> None:
    """Staff (and manufacturer keys) may edit any dealer's shared records; a dealer's users
    and keys only their own dealer's, and only while the dealer may write (§3.3)."""
    actor = actor_from(actor)
    if actor.manufacturer:
        return
    if actor.dealer_id is None or actor.dealer_id != dealer.pk:
        raise PermissionDenied(_("You may not change this dealer's records."))
    if not dealer_can_write(dealer):
        raise PermissionDenied(dealer_read_only_message(dealer))


def _user_of(actor) -> User | None:
    user = actor_from(actor).user
    return user if user is not None and user.is_authenticated else None


def _validated(obj):
    obj.full_clean()
    return obj


@transaction.atomic
def meeting_create(
    *,
    actor,
    dealer,
    title: str,
    held_on: _dt.date,
    agenda: str = "",
    minutes: str = "",
    decisions: str = "",
) -> Meeting:
    """Record a meeting with ``dealer``; either side may create it."""
    ensure_can_edit_dealer_data(actor=actor, dealer=dealer)
    meeting = _validated(
        Meeting(
            dealer=dealer,
            title=title,
            held_on=held_on,
            agenda=agenda,
            minutes=minutes,
            decisions=decisions,
            created_by=_user_of(actor),
        )
    )
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, **changes) -> Meeting:
    """Change a meeting's title, date, agenda, minutes or decisions (never its dealer)."""
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
            code="read_only_field",
        )
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    ensure_can_edit_dealer_data(actor=actor, dealer=meeting.dealer)
    for field, value in changes.items():
        setattr(meeting, field, value)
    _validated(meeting).save()
    return meeting


def action_items_announce(*, review_id: int, actor) -> int:
    """Tell the owners of a review's action items about them once the review is final (while
    it was a draft they were staff's work in progress, hidden and not announced). Returns
    how many were announced."""
    items = list(ActionItem.objects.filter(review_id=review_id).select_related("owner", "review"))
    for item in items:
        _notify_owner(item, actor=actor)
    return len(items)


def _notify_owner(item: ActionItem, *, actor) -> None:
    owner = item.owner
    if owner == _user_of(actor):
        return  # no need to tell people what they just did themselves
    if _hidden_from(item, owner):
        return  # the dealer meets it when the review is final
    title = Message(gettext_noop("Action item for you: %(title)s"), title=item.title)
    body = Message(gettext_noop("Due on %(date)s."), date=item.due_on)
    notification_send(
        recipients=[owner], kind="action_item_assigned", title=title, body=body, url=item_url(item)
    )


def _hidden_from(item: ActionItem, user: User) -> bool:
    """Items of a draft review are staff's work in progress (``ActionItem.visible_to``)."""
    return bool(item.review_id) and item.review.status == "draft" and not user.is_staff


def item_url(item: ActionItem) -> str:
    if item.meeting_id:
        return reverse("collaboration:meeting-detail", args=[item.meeting_id])
    return reverse("reviews:review-detail", args=[item.review_id])


@transaction.atomic
def action_item_create(
    *,
    actor,
    title: str,
    owner: User,
    due_on: _dt.date,
    meeting: Meeting | None = None,
    review=None,
    description: str = "",
) -> ActionItem:
    """Add an action item to a meeting or a quarterly review and notify its owner."""
    source = meeting or review
    if source is None or (meeting is not None and review is not None):
        raise ValidationError(
            _("An action item belongs either to a meeting or to a quarterly review."),
            code="one_source",
        )
    ensure_can_edit_dealer_data(actor=actor, dealer=source.dealer)
    if review is not None and not actor_from(actor).manufacturer:
        raise PermissionDenied(_("Only staff add action items to a quarterly review."))
    item = _validated(
        ActionItem(
            dealer_id=source.dealer_id,
            meeting=meeting,
            review=review,
            title=title,
            description=description,
            owner=owner,
            due_on=due_on,
        )
    )
    item.save()
    _notify_owner(item, actor=actor)
    return item


@transaction.atomic
def action_item_update(*, actor, item: ActionItem, **changes) -> ActionItem:
    """Change an action item (title, description, owner, due date, status). Completing it
    records when; moving its due date re-arms the reminder; a new owner is notified."""
    unknown = set(changes) - set(ACTION_ITEM_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
            code="read_only_field",
        )
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    ensure_can_edit_dealer_data(actor=actor, dealer=item.dealer)
    old_owner_id, old_due = item.owner_id, item.due_on
    for field, value in changes.items():
        setattr(item, field, value)
    if item.status == ActionItem.Status.DONE and item.completed_at is None:
        item.completed_at = timezone.now()
    elif item.status != ActionItem.Status.DONE:
        item.completed_at = None
    if item.due_on != old_due:
        item.reminder_sent_at = None
    _validated(item).save()
    if item.owner_id != old_owner_id:
        _notify_owner(item, actor=actor)
    return item


def action_items_remind(*, now: _dt.datetime | None = None, days_before: int = 3) -> int:
    """Remind owners of open action items due within ``days_before`` days (or overdue) that
    have not been reminded yet; each item is reminded once per due date. Returns the count.

    Each item is claimed with a conditional UPDATE, so concurrent runs never remind twice."""

    now = now or timezone.now()
    today = manufacturer_date(now)
    horizon = today + _dt.timedelta(days=days_before)
    due = (
        ActionItem.objects.filter(
            status__in=ActionItem.OPEN_STATUSES, reminder_sent_at__isnull=True, due_on__lte=horizon
        )
        .exclude(review__status="draft", owner__is_staff=False)  # hidden from dealers
        .select_related("owner", "meeting", "review")
        .order_by("pk")
    )
    sent = 0
    for item in due:
        with transaction.atomic():
            claimed = ActionItem.objects.filter(pk=item.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue
            if item.due_on < today:
                title = Message(gettext_noop("Overdue action item: %(title)s"), title=item.title)
            else:
                title = Message(gettext_noop("Action item due soon: %(title)s"), title=item.title)
            body = Message(gettext_noop("Due on %(date)s."), date=item.due_on)
            notification_send(
                recipients=[item.owner],
                kind="action_item_due",
                title=title,
                body=body,
                url=item_url(item),
            )
            sent += 1
    return sent


def announcement_audience(announcement: Announcement):
    """The active dealer users an announcement is addressed to."""
    dealers = Dealer.objects.exclude(status=Dealer.Status.TERMINATED)
    if announcement.audience == Announcement.Audience.SELECTED:
        q = Q(pk__in=announcement.dealers.values("pk")) | Q(
            tier__in=announcement.tiers.values("pk")
        )
        for code in announcement.regions.values_list("code", flat=True):
            q |= Q(region__code=code) | Q(region__code__startswith=code + "-")
        dealers = dealers.filter(q)
    return User.objects.filter(is_active=True, membership__dealer__in=dealers)


@transaction.atomic
def announcement_publish(*, actor, announcement: Announcement, now=None) -> Announcement:
    """Publish a draft announcement and notify its audience (in each user's language)."""
    if not actor_from(actor).manufacturer:
        raise PermissionDenied(_("Only the manufacturer publishes announcements."))
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if announcement.published_at is not None:
        return announcement
    announcement.full_clean()
    announcement.published_at = now or timezone.now()
    announcement.save(update_fields=["published_at"])
    url = reverse("collaboration:announcement-detail", args=[announcement.pk])
    notification_send(
        recipients=announcement_audience(announcement),
        kind="announcement",
        title=Message(gettext_noop("New announcement: %(title)s"), title=announcement.title),
        body=announcement.body[:500],
        url=url,
    )
    return announcement


def announcement_mark_read(*, announcement: Announcement, user: User) -> AnnouncementReceipt:
    """Record that ``user`` read ``announcement`` (the first read counts; idempotent, safe
    under concurrent calls)."""
    try:
        with transaction.atomic():
            receipt, _created = AnnouncementReceipt.objects.get_or_create(
                announcement=announcement, user=user
            )
    except IntegrityError:
        receipt = AnnouncementReceipt.objects.get(announcement=announcement, user=user)
    return receipt
