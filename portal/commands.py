"""What management commands share."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone

from portal.clock import manufacturer_tz
from portal.inputs import InputError, parse_datetime_input


def now_option(value: str | None, *, option: str = "--now") -> dt.datetime:
    """The instant a command acts as of: now when ``value`` is empty, else the ISO 8601
    date-time given — without an offset, the manufacturer's wall-clock time (its operators'
    time, as in uploads). Anything else is a :class:`CommandError` naming the option,
    before the command changes anything."""
    if not value:
        return timezone.now()
    try:
        return parse_datetime_input(value, default_zone=manufacturer_tz())
    except InputError as exc:
        raise CommandError(
            f"{option} must be an ISO 8601 date-time, e.g. 2026-11-23T12:00:00+08:00 "
            f"(without an offset: {manufacturer_tz()}): {exc.message}"
        ) from None
