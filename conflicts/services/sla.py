"""SLA policies and due times: the policy a ticket follows (snapshotted), due times, the
80 % instant and the next escalation instant (DOMAIN.md §7.2–7.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from conflicts import calculations
from conflicts.models import Priority, SlaPolicy, Ticket
from conflicts.selectors import calendar_as_calculation, calendar_for_region, policy_for
from conflicts.services._common import S, _error

PRIORITY_ORDER = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.EMERGENCY]
WARNING_PERCENT = 80


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
