"""The demo seed is idempotent and shows tickets in several states."""

from io import StringIO

import pytest

from conflicts import demo
from conflicts.models import ChannelConflict, Escalation, Ticket
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent():
    StaffUserFactory(username="support", is_superuser=True)
    logins = demo.seed(StringIO())
    assert {u for u, _, _ in logins} == {"gz-tickets", "sz-tickets"}
    counts = (Ticket.objects.count(), Escalation.objects.count(), ChannelConflict.objects.count())
    assert counts == (5, 1, 1)
    states = set(Ticket.objects.values_list("status", flat=True))
    assert {"open", "waiting_on_dealer", "resolved"} <= states
    contract = Ticket.objects.get(category="contract")
    assert (contract.escalation_level, contract.group) == (2, "legal")
    assert demo.seed(StringIO()) == []
    assert (
        Ticket.objects.count(),
        Escalation.objects.count(),
        ChannelConflict.objects.count(),
    ) == counts
