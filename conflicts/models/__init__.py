"""Conflict tickets, SLA policies, business calendars and escalations (DOMAIN.md §7).

Writes go through ``conflicts.services``; the SLA arithmetic is ``conflicts.calculations``.
One module per concern (``calendars``, ``policies``, ``tickets``, ``thread``, ``channel``);
every model and public name is re-exported here (``from conflicts.models import Ticket``).
"""

from conflicts.models.calendars import (
    WEEKDAY_CHOICES,
    BusinessCalendar,
    CalendarHoliday,
    MakeUpWorkday,
    OpeningInterval,
    RegionCalendar,
)
from conflicts.models.channel import ChannelConflict, DealConflict
from conflicts.models.policies import (
    CATEGORY_GROUPS,
    STAFF_GROUP_CHOICES,
    Category,
    EscalationStep,
    Priority,
    SlaPolicy,
)
from conflicts.models.thread import (
    TicketAttachment,
    TicketAttachmentQuerySet,
    TicketComment,
    TicketCommentQuerySet,
    TicketEvent,
    attachment_path,
)
from conflicts.models.tickets import Escalation, PauseInterval, Ticket, TicketQuerySet

__all__ = [
    "CATEGORY_GROUPS",
    "STAFF_GROUP_CHOICES",
    "WEEKDAY_CHOICES",
    "BusinessCalendar",
    "CalendarHoliday",
    "Category",
    "ChannelConflict",
    "DealConflict",
    "Escalation",
    "EscalationStep",
    "MakeUpWorkday",
    "OpeningInterval",
    "PauseInterval",
    "Priority",
    "RegionCalendar",
    "SlaPolicy",
    "Ticket",
    "TicketAttachment",
    "TicketAttachmentQuerySet",
    "TicketComment",
    "TicketCommentQuerySet",
    "TicketEvent",
    "TicketQuerySet",
    "attachment_path",
]
