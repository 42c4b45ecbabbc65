"""Helpers shared by the conflict services: the system actor, errors, timeline events,
recipients and notifications after commit, and the dealer write check."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conflicts.models import Ticket, TicketEvent
from dealers.selectors import dealer_can_write, dealer_read_only_message, dealer_recipients
from portal import events
from portal.access import Actor
from portal.clock import format_instant
from portal.models import User
from portal.notifications import notification_send

S = Ticket.Status


class _SystemActor(Actor):
    @property
    def label(self) -> str:
        return "system"


#: the portal itself acting (automatic channel-conflict tickets)
SYSTEM = _SystemActor(manufacturer=True)


def _error(field_name: str, message: str, code: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


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
                % {"last": format_instant(last)},
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


def _record(topic: str, ticket: Ticket, **data) -> None:
    """Record a ticket's ``ticket.*`` event (DOMAIN.md §15) in the caller's transaction,
    once per party: the raising dealer and, for a channel ticket, the counter-party, so
    that each sees it in its own stream. Internal details (groups, assignees, notes) stay
    out of the payload."""
    payload = {
        "ticket": ticket.pk,
        "dealer": ticket.dealer.code,
        "counterparty": ticket.counterparty.code if ticket.counterparty_id else None,
        "category": ticket.category,
        "priority": ticket.priority,
        "status": ticket.status,
        **data,
    }
    parties = [ticket.dealer_id]
    if ticket.counterparty_id:
        parties.append(ticket.counterparty_id)
    events.record_many(topic, [(payload, dealer_id) for dealer_id in parties])


#: Which of a dealer's users hear about a ticket of a category: those whose role covers
#: the matching area (``portal.access.DEALER_AREAS``); the rest of the categories go to
#: everyone who follows tickets.
CATEGORY_AREAS = {
    "commission": "statements",
    "logistics": "stock",
    "channel": "sales",
    "pricing": "pricing",
    "market_strategy": "sales",
}


def ticket_area(ticket) -> str:
    return CATEGORY_AREAS.get(ticket.category, "tickets")


def _dealer_users(dealer, area: str = "tickets"):
    """The dealer's users to notify about a ticket (``area``: ``ticket_area(ticket)``)."""
    return list(dealer_recipients(dealer, area))


def _party_users(ticket, *, counterparty: bool = True) -> list:
    """The users of the ticket's dealer (and of its counter-party) who hear about it."""
    area = ticket_area(ticket)
    others = _dealer_users(ticket.counterparty, area) if counterparty else []
    return _dealer_users(ticket.dealer, area) + others


def _group_users(group: str):
    return list(User.objects.filter(groups__name=group, is_active=True, is_staff=True).distinct())


def _notify(recipients, *, kind, title, body="", url):
    """Notify after commit; ``title`` and ``body`` (portal.messages.Message) are shown and
    e-mailed in each recipient's own language."""
    recipients = {u.pk: u for u in recipients if u is not None}

    def send():
        notification_send(
            recipients=list(recipients.values()), kind=kind, title=title, body=body, url=url
        )

    if recipients:
        transaction.on_commit(send)


def ticket_url(ticket) -> str:
    return f"/tickets/{ticket.pk}/"


def _check_dealer_may_write(actor: Actor, ticket: Ticket | None = None) -> None:
    if not actor.is_dealer:
        return
    if not dealer_can_write(actor.dealer):
        raise _error(
            "dealer",
            dealer_read_only_message(actor.dealer),
            "dealer_read_only",
        )
    if ticket is not None and actor.dealer_id not in (ticket.dealer_id, ticket.counterparty_id):
        raise ObjectDoesNotExist("ticket")
