"""Deal conflicts (DOMAIN.md §12): two dealers registered the same customer, or a
registration lies inside another dealer's exclusive territory. One ``channel`` ticket per
pair, raised for the later registrant with the earlier one (or the territory's holder) as
counter-party, linked to both registrations. Opened from ``deal.status_changed`` (status
``conflict``) through the outbox; the matching itself is ``deals.services``."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from conflicts.models import Category, DealConflict, Priority
from conflicts.services._common import SYSTEM, _dealer_users, _notify, ticket_url
from conflicts.services.tickets import ticket_open
from deals.models import DealMatch
from deals.selectors import conflict_matches
from portal.messages import Message

#: the first reason of a match, as the ticket says it (translated when read)
REASONS = {
    DealMatch.Reason.CREDIT_CODE: gettext_noop("the same unified social credit code"),
    DealMatch.Reason.NAME: gettext_noop("the same customer name in the province"),
    DealMatch.Reason.EMAIL_DOMAIN: gettext_noop("the same corporate e-mail domain"),
}


def _texts(match: DealMatch) -> tuple[Message, Message]:
    registration = match.registration
    if match.territory_id:
        territory = match.territory
        title = Message(
            gettext_noop(
                "Deal registration %(number)s lies in %(holder)s's exclusive territory %(region)s"
            ),
            number=registration.number,
            holder=territory.dealer.name,
            region=territory.region.code,
        )
        description = Message(
            gettext_noop(
                "%(dealer)s registered deal %(number)s for an end customer in %(customer_region)s, "
                "inside the exclusive territory %(region)s of %(holder)s. Staff decide whether "
                "the registration is approved."
            ),
            dealer=registration.dealer.name,
            number=registration.number,
            customer_region=registration.customer_region.code,
            region=territory.region.code,
            holder=territory.dealer.name,
        )
        return title, description
    reason = REASONS.get(match.reasons[0] if match.reasons else "", REASONS["name"])
    title = Message(
        gettext_noop("Deal registration %(number)s conflicts with an earlier one of %(other)s"),
        number=registration.number,
        other=match.other.dealer.name,
    )
    description = Message(
        gettext_noop(
            "%(dealer)s registered deal %(number)s for an end customer that %(other)s registered "
            "earlier (%(reason)s). The first to register wins unless staff decide otherwise; "
            "neither dealer sees the other's customer data."
        ),
        dealer=registration.dealer.name,
        number=registration.number,
        other=match.other.dealer.name,
        reason=Message(reason),
    )
    return title, description


def deal_conflict_tickets_open(*, registration_id: int) -> int:
    """Open the ``channel`` ticket of each conflict found for the registration, once per
    pair (a unique constraint; a concurrent or repeated call opens nothing more). Returns
    how many were opened."""
    opened = 0
    for match in conflict_matches(registration_id=registration_id):
        registration = match.registration
        pair = {"registration": registration}
        if match.territory_id:
            pair["territory"] = match.territory
        else:
            pair["earlier"] = match.other
        if DealConflict.objects.filter(**pair).exists():
            continue
        title, description = _texts(match)
        try:
            with transaction.atomic():
                ticket = ticket_open(
                    actor=SYSTEM,
                    dealer=registration.dealer,
                    counterparty=match.other_dealer,
                    category=Category.CHANNEL,
                    priority=Priority.NORMAL,
                    title=title,
                    description=description,
                    subject=registration,
                    region=registration.customer_region,
                )
                DealConflict.objects.create(ticket=ticket, **pair)
        except IntegrityError:
            continue  # opened concurrently
        opened += 1
        _notify(
            _dealer_users(registration.dealer, "sales")
            + _dealer_users(match.other_dealer, "sales"),
            kind="ticket.channel_conflict",
            title=Message(gettext_noop("Channel conflict ticket #%(id)s opened"), id=ticket.pk),
            body=ticket.title_param(),
            url=ticket_url(ticket),
        )
    return opened
