"""System-generated text, translated when it is read, not when it is written.

A notification, an automatic ticket title or an e-mail made by the system is stored as a
:class:`Message` — its English msgid (with an optional ``pgettext`` context) and its
parameters — and rendered through gettext in the reader's language: the portal page in the
page's language, the API in the request's language, the e-mail in the recipient's
preferred language. The English rendering is kept beside it as the fallback text.

Parameters are plain values or typed values that are themselves rendered at read time:

- another :class:`Message` (``{"message": {...}}``),
- a choice of a model field (``Message.choice(Ticket, "status", "resolved")``): its label,
- a name that is data with translations (``Message.names(tier)``: ``{"en": …, "zh-hans": …}``),
- a ``Decimal`` (grouped in the reader's number format), a ``date`` or an aware ``datetime``
  (in the manufacturer's zone, in the reader's date style).

The msgid must also be marked for extraction where the message is built:
``Message(gettext_noop("Your tier is now %(tier)s"), tier=...)``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext, pgettext

from portal.clock import manufacturer_zone, utc_offset_label


class Message:
    """A msgid with parameters; ``str(message)`` renders it in the active language."""

    __slots__ = ("context", "msgid", "params")

    def __init__(self, msgid: str, /, *, context: str = "", **params: Any):
        self.msgid = str(msgid)
        self.context = context
        self.params = {key: _encode(value) for key, value in params.items()}

    # --- typed parameters ----------------------------------------------------------------

    @staticmethod
    def choice(model, field: str, value: str) -> dict:
        """The label of ``value`` among the choices of ``model.field``, translated at read
        time (``model`` is a model class or instance)."""
        return {"choice": [model._meta.label, field, value]}

    @staticmethod
    def names(obj) -> dict:
        """The name of a data row in every language it has (``name``, ``name_zh_hans``,
        ``name_zh_hant``), or ``str(obj)`` when it has no translated names."""
        if hasattr(obj, "names_by_language"):
            return {"names": obj.names_by_language()}
        return {"names": {settings.LANGUAGE_CODE: str(obj)}}

    # --- storage -------------------------------------------------------------------------

    def as_json(self) -> dict:
        data = {"key": self.msgid, "params": self.params}
        if self.context:
            data["context"] = self.context
        return data

    @classmethod
    def from_json(cls, data: dict) -> Message:
        message = cls(data["key"], context=data.get("context", ""))
        message.params = dict(data.get("params") or {})
        return message

    # --- rendering -----------------------------------------------------------------------

    def render(self, language: str | None = None) -> str:
        if language:
            with translation.override(language):
                return self.render()
        text = pgettext(self.context, self.msgid) if self.context else gettext(self.msgid)
        if not self.params and "%" not in text:
            return text
        try:
            return text % {key: _decode(value) for key, value in self.params.items()}
        except (KeyError, ValueError, TypeError):
            # A translation that lost a placeholder must not hide the message.
            return self.msgid % {key: _decode(value) for key, value in self.params.items()}

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, params={self.params!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and self.as_json() == other.as_json()

    __hash__ = None


def english(text: str | Message) -> str:
    """The English text of a message (what is stored as the fallback), or the string."""
    return text.render(settings.LANGUAGE_CODE) if isinstance(text, Message) else str(text)


def render(data: dict | None, fallback: str = "", language: str | None = None) -> str:
    """A stored message (``Message.as_json()``) in ``language`` (default: the active one);
    ``fallback`` when nothing is stored (rows written before messages were stored)."""
    if not data:
        return fallback
    return Message.from_json(data).render(language)


def _encode(value: Any) -> Any:
    if isinstance(value, Message):
        return {"message": value.as_json()}
    if isinstance(value, dict | str | int | float | bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return {"number": str(value)}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return str(value)


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return "—" if value is None else value
    if "message" in value:
        return Message.from_json(value["message"]).render()
    if "choice" in value:
        label, field, choice = value["choice"]
        try:
            choices = dict(apps.get_model(label)._meta.get_field(field).flatchoices)
        except LookupError:
            return choice
        return str(choices.get(choice, choice))
    if "names" in value:
        names = value["names"]
        language = translation.get_language() or settings.LANGUAGE_CODE
        return (
            names.get(language)
            or names.get(settings.LANGUAGE_CODE)
            or next(iter(names.values()), "")
        )
    if "number" in value:
        return formats.number_format(Decimal(value["number"]), use_l10n=True, force_grouping=True)
    if "date" in value:
        return formats.date_format(dt.date.fromisoformat(value["date"]), "DATE_FORMAT")
    if "datetime" in value:
        # in the manufacturer's zone, named (a notification or e-mail has no page footer)
        zone = manufacturer_zone()
        instant = dt.datetime.fromisoformat(value["datetime"]).astimezone(zone)
        label = utc_offset_label(zone, at=instant)
        return f"{formats.date_format(instant, 'DATETIME_FORMAT')} ({label})"
    return str(value)
