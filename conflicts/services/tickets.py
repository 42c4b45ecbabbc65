"""Ticket writes (DOMAIN.md §7.1): open, comment, attach, transition, re-prioritise, assign."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conflicts import calculations
from conflicts.models import (
    CATEGORY_GROUPS,
    Category,
    PauseInterval,
    Priority,
    Ticket,
    TicketAttachment,
    TicketComment,
    TicketEvent,
)
from conflicts.selectors import ticket_counterparty_choices
from conflicts.services._common import (
    SYSTEM,
    S,
    _check_dealer_may_write,
    _error,
    _event,
    _group_users,
    _notify,
    _now_or_at,
    _party_users,
    _record,
    ticket_url,
)
from conflicts.services.sla import (
    _apply_policy,
    _sla_context,
    effective_priority,
    ticket_recompute_sla,
)
from dealers.models import Dealer
from dealers.selectors import region_channel_managers
from portal.access import Actor, actor_from
from portal.files import MAX_DOCUMENT_BYTES, display_name, sniff_document_type
from portal.messages import Message
from portal.messages import english as _english

#: allowed status changes (DOMAIN.md §7.1)
TRANSITIONS = {
    S.OPEN: {S.IN_PROGRESS},
    S.IN_PROGRESS: {S.WAITING_ON_DEALER, S.RESOLVED},
    S.WAITING_ON_DEALER: {S.IN_PROGRESS, S.RESOLVED},
    S.RESOLVED: {S.CLOSED, S.IN_PROGRESS},
    S.CLOSED: set(),
}
#: what the raising dealer may do itself: reopen or close a resolved ticket
DEALER_TRANSITIONS = {(S.RESOLVED, S.IN_PROGRESS), (S.RESOLVED, S.CLOSED)}


# --- opening -------------------------------------------------------------------------------


def _counterparty_not_allowed():
    message = _(
        "Name a dealer of your region, or one you already have a ticket with: this code "
        "is not one of them."
    )
    return _error("counterparty", message, "counterparty_not_allowed")


def ticket_counterparty_resolve(*, actor, dealer, code: str | None):
    """The dealer that ``code`` names as ``dealer``'s counter-party, or None for no code.

    A dealer may name only :func:`~conflicts.selectors.ticket_counterparty_choices`; an
    unknown code gets the same answer as one it may not name (it learns nothing of other
    dealers). Staff and manufacturer keys may name any dealer."""
    code = (code or "").strip().upper()
    if not code:
        return None
    actor = actor_from(actor)
    if actor.is_dealer:
        found = ticket_counterparty_choices(dealer).filter(code=code).first()
        if found is None:
            raise _counterparty_not_allowed()
        return found
    found = Dealer.objects.filter(code=code).first()
    if found is None:
        raise _error("counterparty", _("No dealer has this code."), "does_not_exist")
    return found


@transaction.atomic
def ticket_open(
    *,
    actor,
    dealer,
    category: str,
    priority: str,
    title: str | Message,
    description: str | Message = "",
    counterparty=None,
    opened_at: datetime | None = None,
    subject=None,
    region=None,
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket for ``dealer`` (a dealer opens for itself; staff on a dealer's behalf).

    ``opened_at`` in the past is for staff and manufacturer keys (a phone call recorded
    later). The policy is selected and snapshotted now: later policy edits do not affect
    this ticket."""
    actor = actor_from(actor)
    now = now or timezone.now()
    if actor.is_dealer and dealer.pk != actor.dealer_id:
        raise _error("dealer", _("You may open tickets only for your own dealer."), "invalid")
    if not actor.is_dealer and not actor.manufacturer:
        raise _error("dealer", _("You may not open tickets."), "not_allowed")
    _check_dealer_may_write(actor)
    if category not in Category.values:
        raise _error("category", _("Unknown category."), "invalid_choice")
    if priority not in Priority.values:
        raise _error("priority", _("Unknown priority."), "invalid_choice")
    if counterparty is not None:
        if category != Category.CHANNEL:
            raise _error("counterparty", _("Only channel tickets have a counter-party."), "invalid")
        if counterparty.pk == dealer.pk:
            raise _error("counterparty", _("The counter-party must be another dealer."), "invalid")
        if (
            actor.is_dealer
            and not ticket_counterparty_choices(dealer).filter(pk=counterparty.pk).exists()
        ):
            raise _counterparty_not_allowed()
    if opened_at is not None:
        if not actor.manufacturer:
            raise _error(
                "opened_at", _("Only the manufacturer may record past times."), "not_allowed"
            )
        if timezone.is_naive(opened_at):
            raise _error("opened_at", _("Give a time zone offset."), "naive")
        if opened_at > now:
            raise _error("opened_at", _("This time is in the future."), "in_future")
    at = opened_at or now
    ticket = Ticket(
        title=_english(title)[:200],
        description=_english(description),
        title_message=title.as_json() if isinstance(title, Message) else {},
        description_message=description.as_json() if isinstance(description, Message) else {},
        category=category,
        requested_priority=priority,
        priority=effective_priority(requested=priority, tier_code=dealer.tier.code),
        dealer=dealer,
        counterparty=counterparty,
        region=region or dealer.region,
        opened_at=at,
        opened_by=actor.user if actor.api_key is None else None,
        opened_by_label=actor.label,
        group=CATEGORY_GROUPS[Category(category)],
    )
    if subject is not None:
        ticket.subject_type = ContentType.objects.get_for_model(subject)
        ticket.subject_id = subject.pk
    _apply_policy(ticket)
    ticket.full_clean(exclude=["policy_snapshot"])
    ticket.save()
    _event(
        ticket,
        TicketEvent.Kind.OPENED,
        at=at,
        actor=actor,
        priority=ticket.priority,
        category=ticket.category,
    )
    ticket_recompute_sla(ticket)
    ticket.save()
    _record(
        "ticket.opened",
        ticket,
        title=ticket.title,
        opened_at=ticket.opened_at,
        resolution_due=ticket.resolution_due,
    )
    if ticket.priority == Priority.EMERGENCY:
        _notify(
            [*_group_users(ticket.group), *region_channel_managers(ticket.region)],
            kind="ticket.emergency",
            title=Message(
                gettext_noop("Emergency ticket #%(id)s: %(title)s"),
                id=ticket.pk,
                title=ticket.title_param(),
            ),
            body=Message(
                gettext_noop("%(dealer)s opened an emergency ticket."), dealer=ticket.dealer.name
            ),
            url=ticket_url(ticket),
        )
    return ticket


# --- comments and attachments --------------------------------------------------------------


@transaction.atomic
def ticket_comment(
    *,
    actor,
    ticket: Ticket,
    body: str,
    internal: bool = False,
    at: datetime | None = None,
    now: datetime | None = None,
) -> TicketComment:
    """Add a public or internal (staff only) comment. The first public staff comment is the
    first response. A public comment by the raising dealer on a ticket waiting on it puts
    the ticket back in progress (the clock resumes)."""
    actor = actor_from(actor)
    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check_dealer_may_write(actor, ticket)
    if not (body or "").strip():
        raise _error("body", _("Write something."), "blank")
    if internal and not actor.manufacturer:
        raise _error("internal", _("Only staff write internal notes."), "not_allowed")
    if ticket.status == S.CLOSED:
        raise _error("ticket", _("The ticket is closed."), "closed")
    at = _now_or_at(actor=actor, at=at, ticket=ticket, now=now)
    comment = TicketComment.objects.create(
        ticket=ticket,
        author=actor.user if actor.api_key is None else None,
        author_label=actor.label,
        by_staff=actor.manufacturer,
        internal=internal,
        body=body,
        created_at=at,
    )
    _event(
        ticket,
        TicketEvent.Kind.NOTE if internal else TicketEvent.Kind.COMMENTED,
        at=at,
        actor=actor,
        public=not internal,
        comment_id=comment.pk,
    )
    changed = False
    responds = actor.manufacturer and actor is not SYSTEM  # the portal's notes are no response
    if responds and not internal and ticket.first_response_at is None:
        ctx = _sla_context(ticket)
        ticket.first_response_at = at
        ticket.first_response_sla_minutes = calculations.sla_minutes_between(
            ticket.opened_at, at, ctx.calendar, ctx.pauses
        )
        _event(ticket, TicketEvent.Kind.FIRST_RESPONSE, at=at, actor=actor)
        if ticket.status == S.OPEN:
            _set_status(ticket, S.IN_PROGRESS, at=at, actor=actor)
        changed = True
    elif (
        actor.is_dealer
        and actor.dealer_id == ticket.dealer_id
        and ticket.status == S.WAITING_ON_DEALER
    ):
        _set_status(ticket, S.IN_PROGRESS, at=at, actor=actor)
        changed = True
    if changed:
        ticket_recompute_sla(ticket)
    ticket.save()
    if not internal:
        if actor.manufacturer:
            recipients = _party_users(ticket)
        else:
            recipients = [ticket.assignee] if ticket.assignee else _group_users(ticket.group)
        _notify(
            recipients,
            kind="ticket.comment",
            title=Message(
                gettext_noop("New reply on ticket #%(id)s: %(title)s"),
                id=ticket.pk,
                title=ticket.title_param(),
            ),
            body=body[:500],
            url=ticket_url(ticket),
        )
    return comment


@transaction.atomic
def ticket_attach(*, actor, ticket: Ticket, upload, comment: TicketComment | None = None):
    """Attach a PDF, JPEG or PNG of at most 10 MB (checked by content)."""
    actor = actor_from(actor)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check_dealer_may_write(actor, ticket)
    if ticket.status == S.CLOSED:
        raise _error("ticket", _("The ticket is closed."), "closed")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise _error("file", _("Files may be at most 10 MB."), "too_large")
    upload.seek(0)
    content_type = sniff_document_type(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise _error("file", _("Only PDF, JPEG and PNG files are accepted."), "invalid_type")
    name = display_name(getattr(upload, "name", ""))
    attachment = TicketAttachment(
        ticket=ticket,
        comment=comment,
        name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor.user if actor.api_key is None else None,
        uploaded_by_label=actor.label,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    _event(
        ticket,
        TicketEvent.Kind.ATTACHED,
        at=timezone.now(),
        actor=actor,
        attachment_id=attachment.pk,
        name=name,
    )
    return attachment


# --- status --------------------------------------------------------------------------------


def _open_pause(ticket, reason, at):
    PauseInterval.objects.create(ticket=ticket, reason=reason, started_at=at)


def _close_pause(ticket, at):
    PauseInterval.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=at)


def _set_status(ticket: Ticket, new: str, *, at: datetime, actor: Actor, note: str = "") -> None:
    """Change status and the pause ledger (no checks, no save, no recompute)."""
    old = ticket.status
    if old == S.WAITING_ON_DEALER or (old == S.RESOLVED and new == S.IN_PROGRESS):
        _close_pause(ticket, at)
    if new == S.RESOLVED:
        ctx = _sla_context(ticket)
        ticket_recompute_sla(ticket, ctx=ctx)  # the due time just before the clock stops
        ticket.resolved_at = at
        ticket.resolution_sla_minutes = calculations.sla_minutes_between(
            ticket.opened_at, at, ctx.calendar, ctx.pauses
        )
        ticket.resolved_within_target = (
            ticket.resolution_due is not None and at <= ticket.resolution_due
        )
        _open_pause(ticket, PauseInterval.Reason.RESOLVED, at)
        ticket.status = new
        _record(
            "ticket.resolved",
            ticket,
            resolved_at=at,
            resolved_within_target=ticket.resolved_within_target,
        )
    elif new == S.WAITING_ON_DEALER:
        _open_pause(ticket, PauseInterval.Reason.WAITING, at)
    elif new == S.CLOSED:
        ticket.closed_at = at
    elif old == S.RESOLVED and new == S.IN_PROGRESS:
        ticket.resolved_within_target = None
        ticket.resolution_sla_minutes = None
        ticket.resolved_at = None
    ticket.status = new
    _event(ticket, TicketEvent.Kind.STATUS, at=at, actor=actor, old=old, new=new, note=note)


@transaction.atomic
def ticket_transition(
    *,
    actor,
    ticket: Ticket,
    status: str,
    at: datetime | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Move a ticket along ``open → in_progress ⇄ waiting_on_dealer → resolved → closed``
    (``resolved → in_progress`` reopens). Staff do every move; the raising dealer may reopen
    or close a resolved ticket. Due times are recomputed."""
    actor = actor_from(actor)
    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check_dealer_may_write(actor, ticket)
    if status not in S.values:
        raise _error("status", _("Unknown status."), "invalid_choice")
    if status not in TRANSITIONS[S(ticket.status)]:
        raise _error(
            "status",
            _("A ticket cannot go from %(old)s to %(new)s.")
            % {"old": ticket.get_status_display(), "new": S(status).label},
            "invalid_transition",
        )
    if not actor.manufacturer and (
        actor.dealer_id != ticket.dealer_id or (ticket.status, status) not in DEALER_TRANSITIONS
    ):
        raise _error("status", _("Only the manufacturer may make this change."), "not_allowed")
    at = _now_or_at(actor=actor, at=at, ticket=ticket, now=now)
    _set_status(ticket, status, at=at, actor=actor, note=note)
    ticket_recompute_sla(ticket)
    ticket.save()
    if actor.manufacturer and status in (S.WAITING_ON_DEALER, S.RESOLVED):
        _notify(
            _party_users(ticket, counterparty=False),
            kind="ticket.status",
            title=Message(
                gettext_noop("Ticket #%(id)s is now %(status)s"),
                id=ticket.pk,
                status=Message.choice(Ticket, "status", ticket.status),
            ),
            body=note,
            url=ticket_url(ticket),
        )
    return ticket


@transaction.atomic
def ticket_change_priority(
    *,
    actor,
    ticket: Ticket,
    priority: str | None = None,
    category: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Change priority and/or category (staff): re-select the policy and recompute the due
    times from the original opening minus the paused time. A due time already past counts
    from now (the breach escalates once, at the next sweep)."""
    actor = actor_from(actor)
    now = now or timezone.now()
    if not actor.manufacturer:
        raise _error("priority", _("Only the manufacturer may make this change."), "not_allowed")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    old = {"priority": ticket.priority, "category": ticket.category}
    if priority is not None:
        if priority not in Priority.values:
            raise _error("priority", _("Unknown priority."), "invalid_choice")
        ticket.priority = priority
    if category is not None:
        if category not in Category.values:
            raise _error("category", _("Unknown category."), "invalid_choice")
        if ticket.counterparty_id and category != Category.CHANNEL:
            raise _error(
                "category", _("A ticket with a counter-party stays a channel ticket."), "invalid"
            )
        ticket.category = category
    if (ticket.priority, ticket.category) == (old["priority"], old["category"]):
        return ticket
    _apply_policy(ticket)
    if category is not None and ticket.escalation_level == 0:
        ticket.group = CATEGORY_GROUPS[Category(ticket.category)]
    ticket.sla_reset_at = now
    _event(
        ticket,
        TicketEvent.Kind.PRIORITY,
        at=now,
        actor=actor,
        old=old,
        new={"priority": ticket.priority, "category": ticket.category},
    )
    ticket_recompute_sla(ticket)
    ticket.save()
    return ticket


@transaction.atomic
def ticket_assign(*, actor, ticket_ids: list[int], assignee) -> int:
    """Assign tickets to a staff user (bulk); returns the number changed."""
    actor = actor_from(actor)
    if not actor.manufacturer:
        raise _error("assignee", _("Only the manufacturer may assign tickets."), "not_allowed")
    if assignee is not None and not assignee.is_staff:
        raise _error("assignee", _("Assign tickets to staff only."), "invalid")
    now = timezone.now()
    changed = 0
    for ticket in Ticket.objects.select_for_update().filter(pk__in=ticket_ids).order_by("pk"):
        if ticket.assignee_id == (assignee.pk if assignee else None):
            continue
        ticket.assignee = assignee
        ticket.save(update_fields=["assignee", "updated_at"])
        _event(
            ticket,
            TicketEvent.Kind.ASSIGNED,
            at=now,
            actor=actor,
            public=False,
            assignee=assignee.get_username() if assignee else None,
        )
        changed += 1
    if assignee is not None and changed:
        _notify(
            [assignee],
            kind="ticket.assigned",
            title=Message(gettext_noop("%(n)s ticket(s) assigned to you"), n=changed),
            url=f"/admin/conflicts/ticket/?assignee__id__exact={assignee.pk}",
        )
    return changed
