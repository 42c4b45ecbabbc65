"""The rules for times and numbers that arrive as text (API bodies, filters, uploads), in
one place, so that no such value reaches arithmetic or PostgreSQL out of range.

- A time is ISO 8601; with a UTC offset within ±15:59 (PostgreSQL's range; no real zone is
  beyond ±14:00) and a year from 1900 to 9998 (month arithmetic and conversion to any zone
  stay in range). A time without offset takes ``default_zone`` when the caller has one.
- A number is a finite decimal with at most ``max_digits`` digits, ``decimal_places`` of
  them after the point (the column's bounds), checked before any rounding (``1e308`` or
  ``"1e30"`` used to raise ``InvalidOperation``).

Both raise :class:`InputError` with a code and a translated message; each caller reports it
on its own field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.utils.dateparse import datetime_re, parse_datetime
from django.utils.translation import gettext_lazy as _

#: free text (comments, descriptions, notes, reasons), in characters
MAX_TEXT = 10_000
#: long free text (agreement terms, meeting minutes, announcements)
MAX_LONG_TEXT = 50_000

MIN_YEAR = 1900
MAX_YEAR = 9998
MAX_OFFSET = dt.timedelta(hours=15, minutes=59)

MESSAGES = {
    "invalid_datetime": _("Use ISO 8601, e.g. 2026-10-05T14:30:00+08:00."),
    "naive_datetime": _("Give the time with its UTC offset."),
    "offset_out_of_range": _("The UTC offset must lie between -15:59 and +15:59."),
    "year_out_of_range": _("The year must lie between 1900 and 9998."),
    "invalid_number": _("A number is required."),
    "max_decimal_places": _("Too many decimal places."),
    "max_digits": _("The number is too large."),
}


class InputError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])


def check_datetime(moment: dt.datetime) -> dt.datetime:
    """``moment`` if its offset and year are in range, else :class:`InputError`."""
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise InputError("offset_out_of_range")
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise InputError("year_out_of_range")
    return moment


def parse_datetime_input(value, *, default_zone: str | None = None) -> dt.datetime:
    """An aware datetime from ISO 8601 text (or a datetime), by the rule above."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        if not isinstance(value, str):
            raise InputError("invalid_datetime")
        try:
            moment = parse_datetime(value.strip())
        except ValueError:  # well formed, impossible values (month 13, offset +99:00)
            raise InputError(_impossible_datetime_code(value.strip())) from None
        if moment is None:
            raise InputError("invalid_datetime")
    if moment.tzinfo is None:
        if default_zone is None:
            raise InputError("naive_datetime")
        check_datetime(moment)
        moment = moment.replace(tzinfo=ZoneInfo(default_zone))
    return check_datetime(moment)


def _impossible_datetime_code(text: str) -> str:
    match = datetime_re.match(text)
    zone = match and match["tzinfo"]
    if zone and zone != "Z" and int(zone[1:3]) * 60 + int(zone[-2:] or 0) > 15 * 60 + 59:
        return "offset_out_of_range"
    return "invalid_datetime"


def parse_decimal_input(value, *, max_digits: int, decimal_places: int) -> Decimal:
    """A Decimal with ``decimal_places`` places, by the rule above."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise InputError("invalid_number")
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InputError("invalid_number") from None
    if not number.is_finite():
        raise InputError("invalid_number")
    if abs(number) >= Decimal(10) ** (max_digits - decimal_places):
        raise InputError("max_digits")
    if number.normalize().as_tuple().exponent < -decimal_places:
        raise InputError("max_decimal_places")
    return number.quantize(Decimal(1).scaleb(-decimal_places))
