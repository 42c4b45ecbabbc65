"""Writes of the conflicts app: tickets, comments, transitions, escalation, links.

Every service is keyword-only, runs in a transaction and records an event on the ticket's
timeline; notifications go out after commit. Due times are recomputed by
:func:`ticket_recompute_sla` at every change of status, priority or category.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conflicts import calculations
from conflicts.models import (
    CATEGORY_GROUPS,
    Category,
    ChannelConflict,
    Escalation,
    PauseInterval,
    Priority,
    SlaPolicy,
    Ticket,
    TicketAttachment,
    TicketComment,
    TicketEvent,
)
from conflicts.selectors import calendar_as_calculation, calendar_for_region, policy_for
from portal.access import Actor, actor_from
from portal.files import MAX_DOCUMENT_BYTES, sniff_document_type

logger = logging.getLogger(__name__)

PRIORITY_ORDER = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.EMERGENCY]
WARNING_PERCENT = 80

S = Ticket.Status
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


class _SystemActor(Actor):
    @property
    def label(self) -> str:
        return "system"


#: the portal itself acting (automatic channel-conflict tickets)
SYSTEM = _SystemActor(manufacturer=True)


def _error(field_name: str, message: str, code: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


# --- priorities and policies -------------------------------------------------------------


def effective_priority(*, requested: str, tier_code: str | None) -> str:
    """Expert-tier dealers get one step more, capped at ``high`` (emergency stays as asked)."""
    if tier_code != "expert" or requested == Priority.EMERGENCY:
        return requested
    index = PRIORITY_ORDER.index(Priority(requested))
    return PRIORITY_ORDER[min(index + 1, PRIORITY_ORDER.index(Priority.HIGH))]


def policy_snapshot(policy: SlaPolicy) -> dict:
    return {
        "policy_id": policy.pk,
        "category": policy.category,
        "priority": policy.priority,
        "first_response_minutes": policy.first_response_minutes,
        "resolution_minutes": policy.resolution_minutes,
        "calendar": policy.calendar_kind,
        "steps": [
            {"trigger": s.trigger, "level": s.level, "group": s.group}
            for s in sorted(policy.steps.all(), key=lambda s: s.level)
        ],
    }


def _apply_policy(ticket: Ticket) -> None:
    policy = policy_for(category=ticket.category, priority=ticket.priority)
    if policy is None:
        raise _error(
            "priority",
            _("No SLA policy covers this category and priority."),
            "no_policy",
        )
    ticket.policy = policy
    ticket.policy_snapshot = policy_snapshot(policy)
    ticket.calendar = (
        None
        if policy.calendar_kind == SlaPolicy.CalendarKind.ALWAYS
        else calendar_for_region(ticket.region)
    )


# --- SLA -----------------------------------------------------------------------------------


@dataclass
class SlaContext:
    calendar: calculations.Calendar
    pauses: list
    snapshot: dict


def _sla_context(ticket: Ticket) -> SlaContext:
    snapshot = ticket.policy_snapshot
    calendar = calendar_as_calculation(None if snapshot["calendar"] == "24x7" else ticket.calendar)
    pauses = [(p.started_at, p.ended_at) for p in ticket.pauses.order_by("started_at")]
    return SlaContext(calendar=calendar, pauses=pauses, snapshot=snapshot)


def _at_percent(ticket: Ticket, ctx: SlaContext, percent: int) -> datetime | None:
    minutes = Decimal(ctx.snapshot["resolution_minutes"]) * percent / 100
    due = calculations.add_sla_minutes(ticket.opened_at, minutes, ctx.calendar, ctx.pauses)
    return calculations.clamp_to(due, ticket.sla_reset_at)


def _step_instant(ticket: Ticket, ctx: SlaContext, trigger: calculations.Trigger):
    if trigger.kind == "first_response_breach":
        return ticket.first_response_due if ticket.first_response_at is None else None
    if trigger.kind == "resolution_breach":
        return ticket.resolution_due
    if trigger.kind == "resolution_percent":
        return _at_percent(ticket, ctx, trigger.value)
    # elapsed: wall-clock (real) minutes since opening, whatever the calendar and pauses
    return calculations.clamp_to(
        ticket.opened_at + timedelta(minutes=trigger.value), ticket.sla_reset_at
    )


def _pending_steps(ticket: Ticket, ctx: SlaContext) -> list[tuple[datetime, dict]]:
    """Steps above the current level with the instant they fire (None: not scheduled)."""
    if not ticket.is_running and ticket.status != S.WAITING_ON_DEALER:
        return []
    result = []
    for step in ctx.snapshot.get("steps", []):
        if step["level"] <= ticket.escalation_level:
            continue
        instant = _step_instant(ticket, ctx, calculations.parse_trigger(step["trigger"]))
        if instant is not None:
            result.append((instant, step))
    return result


def ticket_recompute_sla(ticket: Ticket, *, ctx: SlaContext | None = None) -> None:
    """Recompute due times, the 80 % instant and the next escalation instant (no save).

    First-response due is frozen once answered; resolution due is frozen while resolved or
    closed (the clock stopped). A due time made past by a policy change counts from the
    change (``sla_reset_at``)."""
    try:
        _recompute(ticket, ctx or _sla_context(ticket))
    except ValueError:  # a calendar without any opening hours
        raise _error(
            "calendar",
            _("The ticket's business calendar has no opening hours."),
            "calendar_never_open",
        ) from None


def _recompute(ticket: Ticket, ctx: SlaContext) -> None:
    snap = ctx.snapshot
    running = ticket.status not in (S.RESOLVED, S.CLOSED)
    if ticket.first_response_at is None:
        ticket.first_response_due = calculations.clamp_to(
            calculations.add_sla_minutes(
                ticket.opened_at, snap["first_response_minutes"], ctx.calendar, ctx.pauses
            ),
            ticket.sla_reset_at,
        )
    if running:
        ticket.resolution_due = calculations.clamp_to(
            calculations.add_sla_minutes(
                ticket.opened_at, snap["resolution_minutes"], ctx.calendar, ctx.pauses
            ),
            ticket.sla_reset_at,
        )
        ticket.warning_at = _at_percent(ticket, ctx, WARNING_PERCENT)
    candidates = [instant for instant, _step in _pending_steps(ticket, ctx)]
    if running and ticket.warning_sent_at is None and ticket.warning_at is not None:
        candidates.append(ticket.warning_at)
    ticket.next_escalation_at = min(candidates) if candidates else None


# --- helpers --------------------------------------------------------------------------------


def _now_or_at(*, actor: Actor, at: datetime | None, ticket: Ticket | None, now: datetime):
    """``at`` (when something happened offline): staff and manufacturer keys only, never
    later than now nor earlier than the ticket's last event."""
    if at is None:
        return now
    if not actor.manufacturer:
        raise _error("at", _("Only the manufacturer may record past times."), "not_allowed")
    if timezone.is_naive(at):
        raise _error("at", _("Give a time zone offset."), "naive")
    if at > now:
        raise _error("at", _("This time is in the future."), "in_future")
    if ticket is not None:
        last = ticket.events.order_by("-at").values_list("at", flat=True).first()
        if last is not None and at < last:
            raise _error(
                "at",
                _("This time is before the ticket's last event (%(last)s).")
                % {"last": last.isoformat()},
                "before_last_event",
            )
    return at


def _event(ticket, kind, *, at, actor: Actor | None, public=True, **data) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        at=at,
        actor_label=actor.label if actor is not None else "system",
        public=public,
        data={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()},
    )


def _dealer_users(dealer):
    from portal.models import User

    if dealer is None:
        return []
    return list(User.objects.filter(membership__dealer=dealer, is_active=True))


def _group_users(group: str):
    from portal.models import User

    return list(User.objects.filter(groups__name=group, is_active=True, is_staff=True).distinct())


def _notify(recipients, *, kind, title_fn, body_fn, url):
    """Notify after commit, each recipient in their own language."""
    recipients = {u.pk: u for u in recipients if u is not None}

    def send():
        from portal.notifications import in_language_of, notification_send

        for user in recipients.values():
            with in_language_of(user):
                notification_send(
                    recipients=[user],
                    kind=kind,
                    title=str(title_fn()),
                    body=str(body_fn()),
                    url=url,
                )

    if recipients:
        transaction.on_commit(send)


def ticket_url(ticket) -> str:
    return f"/tickets/{ticket.pk}/"


def _check_dealer_may_write(actor: Actor, ticket: Ticket | None = None) -> None:
    if not actor.is_dealer:
        return
    from dealers.selectors import dealer_can_write

    if not dealer_can_write(actor.dealer):
        raise _error(
            "dealer",
            _("Your dealer account is read-only in its current state."),
            "dealer_read_only",
        )
    if ticket is not None and actor.dealer_id not in (ticket.dealer_id, ticket.counterparty_id):
        raise ObjectDoesNotExist("ticket")


# --- opening -------------------------------------------------------------------------------


@transaction.atomic
def ticket_open(
    *,
    actor,
    dealer,
    category: str,
    priority: str,
    title: str,
    description: str = "",
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
        title=title,
        description=description,
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
    if ticket.priority == Priority.EMERGENCY:
        from dealers.selectors import region_channel_managers

        _notify(
            [*_group_users(ticket.group), *region_channel_managers(ticket.region)],
            kind="ticket.emergency",
            title_fn=lambda: (
                _("Emergency ticket #%(id)s: %(title)s") % {"id": ticket.pk, "title": ticket.title}
            ),
            body_fn=lambda: (
                _("%(dealer)s opened an emergency ticket.") % {"dealer": ticket.dealer.name}
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
    if actor.manufacturer and not internal and ticket.first_response_at is None:
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
            recipients = _dealer_users(ticket.dealer) + _dealer_users(ticket.counterparty)
        else:
            recipients = [ticket.assignee] if ticket.assignee else _group_users(ticket.group)
        _notify(
            recipients,
            kind="ticket.comment",
            title_fn=lambda: (
                _("New reply on ticket #%(id)s: %(title)s")
                % {"id": ticket.pk, "title": ticket.title}
            ),
            body_fn=lambda: body[:500],
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
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
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
            _dealer_users(ticket.dealer),
            kind="ticket.status",
            title_fn=lambda: (
                _("Ticket #%(id)s is now %(status)s")
                % {"id": ticket.pk, "status": ticket.get_status_display()}
            ),
            body_fn=lambda: note,
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
            title_fn=lambda: _("%(n)s ticket(s) assigned to you") % {"n": changed},
            body_fn=lambda: "",
            url=f"/admin/conflicts/ticket/?assignee__id__exact={assignee.pk}",
        )
    return changed


# --- escalation ----------------------------------------------------------------------------


@dataclass
class SweepOutcome:
    escalated: list[tuple[int, int]] = field(default_factory=list)  # (ticket id, level)
    warned: list[int] = field(default_factory=list)
    skipped: int = 0
    failed: list[int] = field(default_factory=list)


def _escalate_locked(ticket: Ticket, *, now: datetime, outcome: SweepOutcome) -> None:
    ctx = _sla_context(ticket)
    ticket_recompute_sla(ticket, ctx=ctx)
    due = [(instant, step) for instant, step in _pending_steps(ticket, ctx) if instant <= now]
    if due:
        # several steps due at once (a sweep that was down, a policy change): one escalation,
        # to the highest level due; the levels jumped over are not replayed.
        instant, step = max(due, key=lambda item: item[1]["level"])
        try:
            with transaction.atomic():
                Escalation.objects.create(
                    ticket=ticket,
                    level=step["level"],
                    group=step["group"],
                    trigger=step["trigger"],
                    due_at=instant,
                    escalated_at=now,
                )
        except IntegrityError:
            logger.warning("ticket %s already escalated to level %s", ticket.pk, step["level"])
        else:
            ticket.escalation_level = step["level"]
            ticket.group = step["group"]
            previous = ticket.assignee
            if previous is not None and not previous.groups.filter(name=step["group"]).exists():
                ticket.assignee = None  # the ticket moves to the group's queue
            _event(
                ticket,
                TicketEvent.Kind.ESCALATED,
                at=now,
                actor=None,
                public=False,
                level=step["level"],
                group=step["group"],
                trigger=step["trigger"],
                unassigned=previous.get_username() if previous and not ticket.assignee else None,
            )
            outcome.escalated.append((ticket.pk, step["level"]))
            from dealers.selectors import region_channel_managers

            level, group = step["level"], step["group"]
            _notify(
                [*_group_users(group), *region_channel_managers(ticket.region)],
                kind="ticket.escalated",
                title_fn=lambda: (
                    _("Ticket #%(id)s escalated to level %(level)s (%(group)s)")
                    % {"id": ticket.pk, "level": level, "group": group}
                ),
                body_fn=lambda: (
                    _("%(title)s — raised by %(dealer)s; resolution due %(due)s.")
                    % {
                        "title": ticket.title,
                        "dealer": ticket.dealer.name,
                        "due": ticket.resolution_due.isoformat() if ticket.resolution_due else "—",
                    }
                ),
                url=ticket_url(ticket),
            )
    if (
        ticket.is_running
        and ticket.warning_sent_at is None
        and ticket.warning_at is not None
        and ticket.warning_at <= now
    ):
        ticket.warning_sent_at = now
        _event(ticket, TicketEvent.Kind.WARNED, at=now, actor=None, public=False)
        outcome.warned.append(ticket.pk)
        _notify(
            [ticket.assignee] if ticket.assignee else _group_users(ticket.group),
            kind="ticket.at_risk",
            title_fn=lambda: (
                _("Ticket #%(id)s has used 80 %% of its resolution time") % {"id": ticket.pk}
            ),
            body_fn=lambda: (
                _("%(title)s — resolution due %(due)s.")
                % {
                    "title": ticket.title,
                    "due": ticket.resolution_due.isoformat() if ticket.resolution_due else "—",
                }
            ),
            url=ticket_url(ticket),
        )
    ticket_recompute_sla(ticket, ctx=ctx)
    ticket.save()


def ticket_escalate_due(*, now: datetime | None = None, batch_size: int = 500) -> SweepOutcome:
    """Escalate every ticket whose next escalation instant has come (DOMAIN.md §7.4).

    Selects by the indexed ``next_escalation_at``; each ticket is handled in its own
    transaction under ``select_for_update(skip_locked=True)`` (a concurrent sweep skips it),
    re-checked under the lock, and ``(ticket, level)`` is unique in the database: each
    escalation happens exactly once, even when sweeps overlap or one dies half-way (the
    tickets it finished stay finished; a re-run does the rest). Call outside a transaction."""
    now = now or timezone.now()
    outcome = SweepOutcome()
    ids = list(
        Ticket.objects.filter(next_escalation_at__lte=now)
        .order_by("next_escalation_at", "pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    for ticket_id in ids:
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("dealer", "region", "calendar", "assignee")
                .filter(pk=ticket_id, next_escalation_at__lte=now)
                .first()
            )
            if ticket is None:
                outcome.skipped += 1
                continue
            try:
                with transaction.atomic():
                    _escalate_locked(ticket, now=now, outcome=outcome)
            except ValidationError as exc:  # bad data on one ticket must not stop the sweep
                logger.error("ticket %s cannot be escalated: %s", ticket_id, exc.messages)
                outcome.failed.append(ticket_id)
    return outcome


# --- links to the rest -----------------------------------------------------------------------


def channel_conflicts_open_for_sale_lines(*, sale_line_ids: list[int]) -> int:
    """Open one ``channel`` ticket per (sale line, exclusive territory of another dealer that
    covers the line's ship-to region for its product line on the sale date), exactly once
    (a unique constraint). The territory's holder raises it; the seller is the
    counter-party. Returns the number of tickets opened. Returns (negative lines) are not
    conflicts."""
    from zoneinfo import ZoneInfo

    from commissions.models import SaleLine
    from dealers.selectors import exclusive_territories_covering

    opened = 0
    lines = (
        SaleLine.objects.filter(pk__in=list(sale_line_ids), quantity__gt=0)
        .select_related("dealer__tier", "product__product_line", "ship_to_region__parent")
        .order_by("pk")
    )
    system = SYSTEM
    for line in lines:
        zone = ZoneInfo(line.ship_to_region.effective_time_zone)
        territories = exclusive_territories_covering(
            region=line.ship_to_region,
            product_line_id=line.product.product_line_id,
            on_date=line.sold_at.astimezone(zone).date(),
            exclude_dealer_id=line.dealer_id,
        )
        for territory in territories:
            if ChannelConflict.objects.filter(sale_line=line, territory=territory).exists():
                continue
            try:
                with transaction.atomic():
                    ticket = ticket_open(
                        actor=system,
                        dealer=territory.dealer,
                        counterparty=line.dealer,
                        category=Category.CHANNEL,
                        priority=Priority.NORMAL,
                        title=_(
                            "Sale %(ref)s by %(seller)s shipped into exclusive territory %(region)s"
                        )
                        % {
                            "ref": line.external_id,
                            "seller": line.dealer.code,
                            "region": territory.region.code,
                        },
                        description=_(
                            "%(seller)s reported sale %(ref)s of %(sku)s (%(line)s) on %(day)s, "
                            "shipped to %(ship_to)s, inside %(holder)s's exclusive territory "
                            "%(region)s."
                        )
                        % {
                            "seller": line.dealer.name,
                            "ref": line.external_id,
                            "sku": line.product.sku,
                            "line": line.product.product_line.code,
                            "day": line.sold_at.astimezone(zone).date().isoformat(),
                            "ship_to": line.ship_to_region.code,
                            "holder": territory.dealer.name,
                            "region": territory.region.code,
                        },
                        subject=line,
                        region=line.ship_to_region,
                    )
                    ChannelConflict.objects.create(
                        sale_line=line, territory=territory, ticket=ticket
                    )
            except IntegrityError:
                continue  # opened concurrently by another ingestion
            opened += 1
            _notify(
                _dealer_users(territory.dealer) + _dealer_users(line.dealer),
                kind="ticket.channel_conflict",
                title_fn=lambda ticket=ticket: (
                    _("Channel conflict ticket #%(id)s opened") % {"id": ticket.pk}
                ),
                body_fn=lambda ticket=ticket: ticket.title,
                url=ticket_url(ticket),
            )
    return opened


def subject_parse(text: str):
    """``app_label.model:pk`` → (model class, pk); ValidationError when malformed."""
    from django.apps import apps

    try:
        label, pk = text.rsplit(":", 1)
        app_label, model_name = label.split(".", 1)
        model = apps.get_model(app_label, model_name)
        pk = int(pk)
    except (ValueError, LookupError):
        raise _error("subject", _("Unknown subject."), "invalid") from None
    return model, pk


def subject_resolve(*, who, text: str):
    """The object named by ``text`` if ``who`` may see it (``Model.objects.visible_to``);
    ObjectDoesNotExist otherwise (the caller answers 404)."""
    model, pk = subject_parse(text)
    manager = model._default_manager
    if not hasattr(manager, "visible_to"):
        raise ObjectDoesNotExist(text)
    return manager.visible_to(who).get(pk=pk)


@transaction.atomic
def ticket_open_dispute(*, actor, subject, title: str, body: str) -> Ticket:
    """A dealer disputes an object it may see (a statement component, a sale line …): a
    ``commission`` ticket linked to it (generic relation)."""
    actor_obj = actor_from(actor)
    manager = type(subject)._default_manager
    if (
        not hasattr(manager, "visible_to")
        or not manager.visible_to(actor_obj).filter(pk=subject.pk).exists()
    ):
        raise ObjectDoesNotExist("subject")
    dealer = actor_obj.dealer if actor_obj.is_dealer else getattr(subject, "dealer", None)
    if dealer is None:
        raise _error("subject", _("This object belongs to no dealer."), "invalid")
    if not (title or "").strip():
        raise _error("title", _("Give the dispute a title."), "blank")
    return ticket_open(
        actor=actor_obj,
        dealer=dealer,
        category=Category.COMMISSION,
        priority=Priority.NORMAL,
        title=title,
        description=body,
        subject=subject,
    )
