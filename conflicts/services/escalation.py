"""The escalation sweep (DOMAIN.md §7.4): each due escalation exactly once."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from conflicts.models import Escalation, Ticket, TicketEvent
from conflicts.services._common import _event, _group_users, _notify, _record, ticket_url
from conflicts.services.sla import _pending_steps, _sla_context, ticket_recompute_sla
from dealers.selectors import region_channel_managers
from portal.crash_points import crash_point
from portal.messages import Message

#: the name the sweep logged under before services became a package
logger = logging.getLogger("conflicts.services")


#: The every-minute sweep stops starting new batches after this long (the next one goes on).
DEFAULT_TIME_BUDGET = timedelta(seconds=45)


@dataclass
class SweepOutcome:
    escalated: list[tuple[int, int]] = field(default_factory=list)  # (ticket id, level)
    warned: list[int] = field(default_factory=list)
    skipped: int = 0
    failed: list[int] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (ticket id, error)
    budget_spent: bool = False  # tickets still due when the time budget ran out

    def fail(self, ticket_id: int, message: str) -> None:
        self.failed.append(ticket_id)
        self.failures.append((ticket_id, message))

    def as_counts(self) -> dict[str, int]:
        return {
            "escalated": len(self.escalated),
            "warned": len(self.warned),
            "skipped": self.skipped,
            "failed": len(self.failed),
        }


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
            _record(
                "ticket.escalated",
                ticket,
                level=step["level"],
                escalated_at=now,
                resolution_due=ticket.resolution_due,
            )
            outcome.escalated.append((ticket.pk, step["level"]))
            level, group = step["level"], step["group"]
            _notify(
                [*_group_users(group), *region_channel_managers(ticket.region)],
                kind="ticket.escalated",
                title=Message(
                    gettext_noop("Ticket #%(id)s escalated to level %(level)s (%(group)s)"),
                    id=ticket.pk,
                    level=level,
                    group=Message.choice(Ticket, "group", group),
                ),
                body=Message(
                    gettext_noop("%(title)s — raised by %(dealer)s; resolution due %(due)s."),
                    title=ticket.title_param(),
                    dealer=ticket.dealer.name,
                    due=ticket.resolution_due,
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
            title=Message(
                gettext_noop("Ticket #%(id)s has used 80 %% of its resolution time"), id=ticket.pk
            ),
            body=Message(
                gettext_noop("%(title)s — resolution due %(due)s."),
                title=ticket.title_param(),
                due=ticket.resolution_due,
            ),
            url=ticket_url(ticket),
        )
    ticket_recompute_sla(ticket, ctx=ctx)
    ticket.save()


def _escalate_one(ticket_id: int, *, now: datetime, outcome: SweepOutcome) -> None:
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("dealer", "region", "calendar", "assignee")
            .filter(pk=ticket_id, next_escalation_at__lte=now)
            .first()
        )
        if ticket is None:
            outcome.skipped += 1
            return
        try:
            with transaction.atomic():
                _escalate_locked(ticket, now=now, outcome=outcome)
        except ValidationError as exc:  # bad data on one ticket must not stop the sweep
            logger.error("ticket %s cannot be escalated: %s", ticket_id, exc.messages)
            outcome.fail(ticket_id, "; ".join(exc.messages))
        except Exception as exc:  # nor may any other error: the tickets behind it wait
            logger.exception("ticket %s cannot be escalated", ticket_id)
            outcome.fail(ticket_id, f"{exc.__class__.__name__}: {exc}")


def ticket_escalate_due(
    *,
    now: datetime | None = None,
    batch_size: int = 500,
    time_budget: timedelta = DEFAULT_TIME_BUDGET,
) -> SweepOutcome:
    """Escalate every ticket whose next escalation instant has come (DOMAIN.md §7.4).

    Selects by the indexed ``next_escalation_at``, ``batch_size`` at a time, batch after
    batch until no ticket is due or ``time_budget`` is spent (at least one batch runs): a
    full batch does not leave due tickets for the next minute. Each ticket is handled in
    its own transaction under ``select_for_update(skip_locked=True)`` (a concurrent sweep
    skips it), re-checked under the lock, and ``(ticket, level)`` is unique in the
    database: each escalation happens exactly once, even when sweeps overlap or one dies
    half-way (the tickets it finished stay finished; a re-run does the rest). An error on
    one ticket, whatever it is, is logged and recorded in ``outcome.failures`` and the
    sweep goes on (a failed ticket is not retried within the same sweep). Call outside a
    transaction."""
    now = now or timezone.now()
    deadline = time.monotonic() + time_budget.total_seconds()
    outcome = SweepOutcome()
    seen: set[int] = set()
    while True:
        ids = list(
            Ticket.objects.filter(next_escalation_at__lte=now)
            .exclude(pk__in=seen)
            .order_by("next_escalation_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        for ticket_id in ids:
            seen.add(ticket_id)
            _escalate_one(ticket_id, now=now, outcome=outcome)
            crash_point("escalation.ticket")  # test hook (tests/portal/test_crash_recovery.py)
        if time.monotonic() >= deadline:
            outcome.budget_spent = (
                Ticket.objects.filter(next_escalation_at__lte=now).exclude(pk__in=seen).exists()
            )
            break
    return outcome
