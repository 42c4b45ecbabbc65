"""Months and quarters: the one value type for each, in the manufacturer's calendar.

``Month(2026, 11)`` is written ``2026-11`` and ``Quarter(2026, 4)`` ``2026Q4``; ``parse``
reads those forms (surrounding spaces and full-width characters allowed), ``str`` writes
them. Both are frozen, hashable and ordered, step with ``+ n`` / ``- n``, and know their
``first_day``/``last_day`` (dates) and their ``bounds()``: [start, end) as aware datetimes
at midnight in the manufacturer's time zone (DOMAIN.md: business periods are counted
there, not in the server's UTC).

A statement stores its month as the month's first day (``CommissionStatement.period``), a
review or tier evaluation its quarter as the ``2026Q4`` string: convert at that boundary
with ``Month.of(day)`` / ``month.first_day`` and ``Quarter.parse(text)`` / ``str(quarter)``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.clock import manufacturer_zone

MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
QUARTER_RE = re.compile(r"^([0-9]{4})Q([0-9])$")


class PeriodError(ValidationError, ValueError):
    """A malformed month or quarter: a ``ValidationError`` for forms and serializers (with
    a code), and a ``ValueError`` for code that only cares that the value was bad."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def _month_error(value) -> PeriodError:
    return PeriodError(
        _("Not a month: %(value)s (use the form 2026-11)."),
        code="invalid_month",
        params={"value": value},
    )


def _quarter_error(value) -> PeriodError:
    return PeriodError(
        _("Not a quarter: %(value)s (use the form 2026Q4)."),
        code="invalid_quarter",
        params={"value": value},
    )


def _normalise(text) -> str:
    """NFKC (full-width digits, Ｑ and － become ASCII), without surrounding spaces."""
    return unicodedata.normalize("NFKC", text).strip()


def _zone(tz: ZoneInfo | dt.tzinfo | str | None) -> dt.tzinfo:
    if tz is None:
        return manufacturer_zone()
    if isinstance(tz, str):
        return ZoneInfo(tz)
    return tz


def _local_date(value: dt.date | dt.datetime, tz) -> dt.date:
    """The calendar date of ``value``: an aware instant's date in ``tz`` (default: the
    manufacturer's zone); a naive datetime is a wall-clock time, a date is itself."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(_zone(tz))
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"a date or a datetime expected, not {type(value).__name__}")


def _midnight(day: dt.date, tz) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_zone(tz))


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self):
        if not (1 <= self.year <= 9999 and 1 <= self.month <= 12):
            raise _month_error(f"{self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str | Month) -> Month:
        """``2026-11`` (or ``2026-1``) → Month(2026, 11); ``PeriodError`` otherwise."""
        if isinstance(text, Month):
            return text
        if not isinstance(text, str):
            raise _month_error(text)
        match = MONTH_RE.match(_normalise(text))
        if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
            raise _month_error(text)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, value: dt.date | dt.datetime | Month, tz=None) -> Month:
        """The month of a date, or of an aware instant in ``tz`` (default: the
        manufacturer's zone)."""
        if isinstance(value, Month):
            return value
        day = _local_date(value, tz)
        return cls(day.year, day.month)

    @classmethod
    def current(cls, now: dt.datetime | None = None) -> Month:
        """This month in the manufacturer's calendar."""
        return cls.of(now or timezone.now())

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def _from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def add(self, n: int) -> Month:
        return self._from_index(self.index + n)

    def __add__(self, n: int) -> Month:
        if not isinstance(n, int):
            return NotImplemented
        return self.add(n)

    def __sub__(self, other):
        """``month - 3`` → a Month; ``month - other_month`` → the number of months between."""
        if isinstance(other, Month):
            return self.index - other.index
        if not isinstance(other, int):
            return NotImplemented
        return self.add(-other)

    def next(self) -> Month:
        return self.add(1)

    def previous(self) -> Month:
        return self.add(-1)

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.year, (self.month - 1) // 3 + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def bounds(self, tz=None) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) at midnight in ``tz`` (a zone or its name; default: the
        manufacturer's zone)."""
        return _midnight(self.first_day, tz), _midnight(self.next().first_day, tz)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    def __post_init__(self):
        if not (1 <= self.year <= 9999 and 1 <= self.quarter <= 4):
            raise _quarter_error(f"{self.year}Q{self.quarter}")

    @classmethod
    def parse(cls, text: str | Quarter) -> Quarter:
        """``2026Q4`` → Quarter(2026, 4); ``PeriodError`` otherwise."""
        if isinstance(text, Quarter):
            return text
        if not isinstance(text, str):
            raise _quarter_error(text)
        match = QUARTER_RE.match(_normalise(text))
        if match is None or not 1 <= int(match.group(2)) <= 4 or int(match.group(1)) < 1:
            raise _quarter_error(text)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, value: dt.date | dt.datetime | Month | Quarter, tz=None) -> Quarter:
        """The quarter of a month, a date, or an aware instant in ``tz`` (default: the
        manufacturer's zone)."""
        if isinstance(value, Quarter):
            return value
        return Month.of(value, tz).quarter

    @classmethod
    def current(cls, now: dt.datetime | None = None) -> Quarter:
        """This quarter in the manufacturer's calendar."""
        return cls.of(now or timezone.now())

    def __str__(self) -> str:
        return f"{self.year:04d}Q{self.quarter}"

    @property
    def index(self) -> int:
        return self.year * 4 + self.quarter - 1

    def add(self, n: int) -> Quarter:
        index = self.index + n
        return Quarter(index // 4, index % 4 + 1)

    def __add__(self, n: int) -> Quarter:
        if not isinstance(n, int):
            return NotImplemented
        return self.add(n)

    def __sub__(self, other):
        """``quarter - 1`` → a Quarter; ``quarter - other_quarter`` → the number between."""
        if isinstance(other, Quarter):
            return self.index - other.index
        if not isinstance(other, int):
            return NotImplemented
        return self.add(-other)

    def next(self) -> Quarter:
        return self.add(1)

    def previous(self) -> Quarter:
        return self.add(-1)

    def months(self) -> list[Month]:
        first = Month(self.year, 3 * self.quarter - 2)
        return [first, first.next(), first.add(2)]

    @property
    def first_day(self) -> dt.date:
        return self.months()[0].first_day

    @property
    def last_day(self) -> dt.date:
        return self.months()[-1].last_day

    def bounds(self, tz=None) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) at midnight in ``tz`` (a zone or its name; default: the
        manufacturer's zone)."""
        return _midnight(self.first_day, tz), _midnight(self.next().first_day, tz)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb):
    expiry dates (a certification valid for 24 months)."""
    month = Month.of(day).add(months)
    return dt.date(month.year, month.month, min(day.day, month.last_day.day))
