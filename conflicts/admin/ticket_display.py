"""How the ticket queue shows a ticket's timeline: each event's details in words (not its
raw JSON), with every instant on the manufacturer's clock."""

import datetime as dt

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from conflicts.models import Category, Priority, Ticket, TicketEvent
from conflicts.models.policies import STAFF_GROUP_CHOICES
from portal.clock import format_instant

_GROUPS = dict(STAFF_GROUP_CHOICES)
_LABELS = {
    "status": lambda v: _label(Ticket.Status, v),
    "priority": lambda v: _label(Priority, v),
    "category": lambda v: _label(Category, v),
    "group": lambda v: str(_GROUPS.get(v, v)),
}


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value)


def _value(key: str, value) -> str:
    if value in (None, ""):
        return "—"
    if key in _LABELS:
        return _LABELS[key](value)
    if isinstance(value, str) and (instant := _instant(value)) is not None:
        return format_instant(instant, offset=False)
    return str(value)


def _instant(text: str) -> dt.datetime | None:
    try:
        parsed = parse_datetime(text)
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _change(old, new, key: str) -> str:
    return f"{_value(key, old)} → {_value(key, new)}"


def event_details(event: TicketEvent) -> str:
    """One line for people: "in progress → waiting on the dealer", "level 2, queue: legal
    (elapsed:2880)", "priority: normal → high"…"""
    data, kind = event.data or {}, event.kind
    K = TicketEvent.Kind
    if kind == K.STATUS:
        text = _change(data.get("old"), data.get("new"), "status")
        return f"{text} · {data['note']}" if data.get("note") else text
    if kind == K.PRIORITY:
        old, new = data.get("old") or {}, data.get("new") or {}
        parts = [
            f"{label}: {_change(old.get(key), new.get(key), key)}"
            for key, label in (("priority", _("priority")), ("category", _("category")))
            if old.get(key) != new.get(key)
        ]
        return "; ".join(parts)
    if kind == K.ESCALATED:
        return _("level %(level)s, queue: %(group)s (%(trigger)s)") % {
            "level": data.get("level"),
            "group": _value("group", data.get("group")),
            "trigger": data.get("trigger", "—"),
        }
    if kind == K.ASSIGNED:
        return _("to %(who)s") % {"who": data.get("assignee") or "—"}
    if kind == K.OPENED:
        return "; ".join(
            f"{label}: {_value(key, data.get(key))}"
            for key, label in (("priority", _("priority")), ("category", _("category")))
        )
    if kind == K.ATTACHED:
        return str(data.get("name") or "")
    return "; ".join(f"{key}: {_value(key, value)}" for key, value in sorted(data.items()))
