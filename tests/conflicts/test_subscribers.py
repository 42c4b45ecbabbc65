"""The conflicts app's event subscribers: ``sales.recorded`` opens channel-conflict tickets."""

import pytest
from django.db import transaction

from conflicts.models import ChannelConflict, Ticket
from portal import events
from portal.models import EventHandled
from tests.conflicts.test_links import _sale, setup  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_sales_recorded_into_another_dealers_exclusive_territory_opens_the_channel_ticket(
    setup,  # noqa: F811
):
    tree, _line, product, holder, seller, territory = setup
    sale = _sale(seller, product, tree["CN-GD-SZ"])
    own = _sale(holder, product, tree["CN-GD-SZ"], ext="own")
    with transaction.atomic():
        event = events.record("sales.recorded", {"sale_line_ids": [sale.pk, own.pk]}, dealer=seller)

    outcome = events.event_dispatch(event_id=event.pk)

    assert "conflicts.open_channel_conflicts" in outcome.handled
    conflict = ChannelConflict.objects.get()
    assert (conflict.sale_line, conflict.territory) == (sale, territory)
    ticket = Ticket.objects.get()
    assert (ticket.category, ticket.dealer, ticket.counterparty) == ("channel", holder, seller)
    assert EventHandled.objects.filter(
        event=event, subscriber="conflicts.open_channel_conflicts"
    ).exists()
    # Dispatched again (a redelivery): no second ticket, and the handler does not even run.
    assert events.event_dispatch(event_id=event.pk).handled == []
    assert Ticket.objects.count() == 1
