"""Helpers for conflicts tests: tickets are opened through the service, like in real life."""

from datetime import datetime
from zoneinfo import ZoneInfo

from conflicts.models import BusinessCalendar
from conflicts.seeding import seed_defaults
from conflicts.services import SYSTEM, ticket_open
from tests.factories import DealerFactory

SH = ZoneInfo("Asia/Shanghai")


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def defaults():
    """The seeded calendar and policies (re-created after a flush in transactional tests)."""
    seed_defaults()
    return BusinessCalendar.objects.get(code="CN-MAINLAND")


def make_ticket(dealer=None, *, category="product", priority="normal", opened_at=None, **kwargs):
    defaults()
    dealer = dealer or DealerFactory()
    return ticket_open(
        actor=SYSTEM,
        dealer=dealer,
        category=category,
        priority=priority,
        title=kwargs.pop("title", f"{category} {priority}"),
        opened_at=opened_at,
        now=kwargs.pop("now", None) or (opened_at if opened_at else None),
        **kwargs,
    )
