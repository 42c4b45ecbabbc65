"""The escalation sweep (DOMAIN.md §7.4): each due escalation exactly once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conflicts.models import Escalation, Ticket, TicketEvent
from conflicts.services._common import _event, _group_users, _notify, ticket_url
from conflicts.services.sla import _pending_steps, _sla_context, ticket_recompute_sla
from dealers.selectors import region_channel_managers
from portal.crash_points import crash_point

#: the name the sweep logged under before services became a package
logger = logging.getLogger("conflicts.services")


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
        crash_point("escalation.ticket")
    return outcome
