"""SLA arithmetic (DOMAIN.md §7.3): pure functions, no ORM.

Every instant is a timezone-aware ``datetime``; the arithmetic is done on UTC instants over
the calendar's open intervals, which are generated day by day in the calendar's *local*
time and then converted to UTC. Durations are therefore real elapsed time: a 4 h target
across a daylight-saving change is 4 real hours, and "09:00 local" stays 09:00 local on
both sides of the change.

A calendar is open:

* always, when it is ``always_open`` (24x7; holidays do not apply);
* otherwise on each local date in the weekday's intervals (several a day allowed), except
  on holidays (closed all day); a make-up working day (a weekend date that is open, China's
  调休) is open with the intervals of the weekday it works as (Monday unless said).

Paused time (waiting on the dealer, or resolved) is a ledger of ``(start, end)`` instants;
``end=None`` means "still paused". SLA time runs in the open intervals minus the pauses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

#: how far ahead we look for the next open minute before declaring a calendar never open
HORIZON_DAYS = 3 * 366
MINUTE = timedelta(minutes=1)

Interval = tuple[datetime, datetime]
Pause = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class DayInterval:
    """Opening hours on one day in local time, in minutes after midnight (end ≤ 1440)."""

    start: int
    end: int

    def __post_init__(self):
        if not (0 <= self.start < self.end <= 1440):
            raise ValueError(f"bad opening interval {self.start}-{self.end}")

    @classmethod
    def from_times(cls, start: time, end: time) -> DayInterval:
        """``end == 00:00`` means midnight at the end of the day (24:00)."""
        end_minutes = end.hour * 60 + end.minute or 1440
        return cls(start.hour * 60 + start.minute, end_minutes)


@dataclass(frozen=True)
class Calendar:
    time_zone: str = "UTC"
    #: weekday (0 = Monday) → opening intervals that day
    weekly: dict[int, tuple[DayInterval, ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    #: make-up working date → the weekday whose hours it keeps
    makeup_days: dict[date, int] = field(default_factory=dict)
    always_open: bool = False

    @classmethod
    def twenty_four_seven(cls) -> Calendar:
        return cls(time_zone="UTC", always_open=True)

    @classmethod
    def office_hours(
        cls,
        time_zone: str,
        hours: Sequence[tuple[time, time]] = ((time(9), time(18)),),
        weekdays: Iterable[int] = range(5),
        holidays: Iterable[date] = (),
        makeup_days: Iterable[date] = (),
    ) -> Calendar:
        intervals = tuple(DayInterval.from_times(s, e) for s, e in hours)
        return cls(
            time_zone=time_zone,
            weekly={day: intervals for day in weekdays},
            holidays=frozenset(holidays),
            makeup_days=dict.fromkeys(makeup_days, 0),
        )

    def intervals_on(self, day: date) -> tuple[DayInterval, ...]:
        """The local opening intervals of one date."""
        if day in self.holidays:
            return ()
        if day in self.makeup_days:
            return self.weekly.get(self.makeup_days[day], ())
        return self.weekly.get(day.weekday(), ())

    def is_open_day(self, day: date) -> bool:
        return self.always_open or bool(self.intervals_on(day))


def _require_aware(*instants: datetime | None) -> None:
    for instant in instants:
        if instant is not None and (instant.tzinfo is None or instant.utcoffset() is None):
            raise ValueError("SLA arithmetic needs timezone-aware datetimes")


def _local_to_utc(day: date, minute: int, zone: ZoneInfo) -> datetime:
    if minute == 1440:
        day, minute = day + timedelta(days=1), 0
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    # A wall time inside a spring-forward gap does not exist; zoneinfo reads it with the
    # offset before the change, i.e. it lands just after the gap: the right opening instant.
    return local.astimezone(UTC)


def calendar_intervals(
    calendar: Calendar, start: datetime, end: datetime | None = None
) -> Iterator[Interval]:
    """Open intervals as UTC instants, clipped to ``[start, end)``; ``end=None`` runs on
    (up to the horizon). Adjacent intervals are merged."""
    _require_aware(start, end)
    start = start.astimezone(UTC)
    end = end.astimezone(UTC) if end is not None else None
    if end is not None and end <= start:
        return
    if calendar.always_open:
        yield start, end or start + timedelta(days=HORIZON_DAYS)
        return
    zone = ZoneInfo(calendar.time_zone)
    day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = (
        end.astimezone(zone).date() + timedelta(days=1)
        if end is not None
        else day + timedelta(days=HORIZON_DAYS)
    )
    pending: Interval | None = None
    while day <= last_day:
        for interval in sorted(calendar.intervals_on(day), key=lambda i: i.start):
            s = max(_local_to_utc(day, interval.start, zone), start)
            e = _local_to_utc(day, interval.end, zone)
            if end is not None:
                e = min(e, end)
            if e <= s:
                continue
            if pending is not None and s <= pending[1]:
                pending = (pending[0], max(pending[1], e))
                continue
            if pending is not None:
                yield pending
            pending = (s, e)
        day += timedelta(days=1)
    if pending is not None:
        yield pending


def _normalised_pauses(pauses: Iterable[Pause]) -> list[tuple[datetime, datetime | None]]:
    """Sorted, merged pauses in UTC; an open pause (end None) swallows everything after it."""
    items = []
    for start, end in pauses:
        _require_aware(start, end)
        if end is not None and end <= start:
            continue
        items.append((start.astimezone(UTC), end.astimezone(UTC) if end is not None else None))
    items.sort(key=lambda p: p[0])
    merged: list[tuple[datetime, datetime | None]] = []
    for start, end in items:
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break
            if start <= last_end:
                merged[-1] = (last_start, None if end is None else max(last_end, end))
                continue
        merged.append((start, end))
    return merged


def _subtract(intervals: Iterable[Interval], pauses: list) -> Iterator[Interval]:
    """Open intervals minus pauses (both sorted)."""
    for s, e in intervals:
        cursor = s
        for p_start, p_end in pauses:
            if p_end is not None and p_end <= cursor:
                continue
            if p_start >= e:
                break
            if p_start > cursor:
                yield cursor, p_start
            if p_end is None:
                return
            cursor = max(cursor, p_end)
            if cursor >= e:
                break
        if cursor < e:
            yield cursor, e
        if pauses and pauses[-1][1] is None and pauses[-1][0] <= e:
            return


def sla_intervals(
    calendar: Calendar, start: datetime, end: datetime | None = None, pauses: Iterable[Pause] = ()
) -> Iterator[Interval]:
    """The instants in which SLA time runs: open and not paused."""
    return _subtract(calendar_intervals(calendar, start, end), _normalised_pauses(pauses))


def add_sla_minutes(
    start: datetime, minutes: int | Decimal, calendar: Calendar, pauses: Iterable[Pause] = ()
) -> datetime | None:
    """The instant at which ``minutes`` of SLA time have run from ``start``.

    ``None`` when the clock is stopped (an open pause) before the target is reached. A
    target that runs out exactly at the end of an open interval gives that end, not the
    next opening."""
    _require_aware(start)
    remaining = timedelta(minutes=float(minutes))
    if remaining <= timedelta(0):
        return start.astimezone(UTC)
    for s, e in sla_intervals(calendar, start, None, pauses):
        length = e - s
        if remaining <= length:
            return s + remaining
        remaining -= length
    if any(end is None for _, end in pauses):
        return None
    raise ValueError("the calendar has no open time within the horizon")


def sla_seconds_between(
    a: datetime, b: datetime, calendar: Calendar, pauses: Iterable[Pause] = ()
) -> int:
    """SLA seconds that ran from ``a`` to ``b`` (0 when ``b`` ≤ ``a``)."""
    _require_aware(a, b)
    if b <= a:
        return 0
    total = sum(((e - s) for s, e in sla_intervals(calendar, a, b, pauses)), timedelta(0))
    return round(total.total_seconds())


def sla_minutes_between(
    a: datetime, b: datetime, calendar: Calendar, pauses: Iterable[Pause] = ()
) -> Decimal:
    """SLA minutes from ``a`` to ``b``, to two decimals."""
    seconds = sla_seconds_between(a, b, calendar, pauses)
    return (Decimal(seconds) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DueExplanation:
    """How a due time came about (DOMAIN.md §7.3: every due time can be explained)."""

    start: datetime
    due: datetime | None
    target_minutes: int
    open_minutes_used: Decimal
    paused_minutes: Decimal
    closed_days_skipped: tuple[date, ...]
    time_zone: str
    always_open: bool


def explain_due(
    start: datetime,
    minutes: int,
    calendar: Calendar,
    pauses: Iterable[Pause] = (),
    *,
    now: datetime | None = None,
) -> DueExplanation:
    """The due time of ``minutes`` from ``start`` and how it was computed: SLA minutes used
    (up to the due time or ``now``, whichever is earlier), wall-clock minutes paused in that
    window, and the local dates skipped because the calendar was closed all day."""
    pauses = list(pauses)
    due = add_sla_minutes(start, minutes, calendar, pauses)
    window_end = due if due is not None else (now or start)
    if now is not None and due is not None:
        window_end = min(due, max(now, start))
    used = sla_minutes_between(start, window_end, calendar, pauses)
    paused = timedelta(0)
    for p_start, p_end in _normalised_pauses(pauses):
        s = max(p_start, start)
        e = min(p_end or window_end, window_end)
        if e > s:
            paused += e - s
    skipped: list[date] = []
    if not calendar.always_open:
        zone = ZoneInfo(calendar.time_zone)
        day = start.astimezone(zone).date()
        last = (due or window_end).astimezone(zone).date()
        while day <= last:
            if not calendar.is_open_day(day):
                skipped.append(day)
            day += timedelta(days=1)
    return DueExplanation(
        start=start,
        due=due,
        target_minutes=int(minutes),
        open_minutes_used=used,
        paused_minutes=(Decimal(round(paused.total_seconds())) / 60).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        ),
        closed_days_skipped=tuple(skipped),
        time_zone=calendar.time_zone,
        always_open=calendar.always_open,
    )


# --- escalation triggers ----------------------------------------------------------------

TRIGGER_RE = re.compile(
    r"^(first_response_breach|resolution_breach|resolution_percent:(\d{1,3})|elapsed:(\d{1,7}))$"
)


@dataclass(frozen=True)
class Trigger:
    kind: str  # first_response_breach | resolution_percent | resolution_breach | elapsed
    value: int | None = None

    def __str__(self):
        return f"{self.kind}:{self.value}" if self.value is not None else self.kind


def parse_trigger(text: str) -> Trigger:
    """``first_response_breach``, ``resolution_percent:N`` (1–100), ``resolution_breach`` or
    ``elapsed:<minutes>`` (wall-clock minutes since opening); ValueError otherwise."""
    match = TRIGGER_RE.match((text or "").strip())
    if not match:
        raise ValueError(text)
    if match.group(2) is not None:
        percent = int(match.group(2))
        if not 1 <= percent <= 100:
            raise ValueError(text)
        return Trigger("resolution_percent", percent)
    if match.group(3) is not None:
        minutes = int(match.group(3))
        if minutes < 1:
            raise ValueError(text)
        return Trigger("elapsed", minutes)
    return Trigger(match.group(1))


def clamp_to(instant: datetime | None, floor: datetime | None) -> datetime | None:
    """``instant``, but never before ``floor`` (a breach made past by a policy change counts
    from the change)."""
    if instant is None or floor is None:
        return instant
    return max(instant, floor)


# --- SLA state (DOMAIN.md §7.4) -----------------------------------------------------------

DONE_STATUSES = ("resolved", "closed")


def sla_state(
    *,
    status: str,
    resolved_within_target: bool | None,
    first_response_at: datetime | None,
    first_response_due: datetime | None,
    resolution_due: datetime | None,
    warning_at: datetime | None,
    now: datetime,
) -> str:
    """``on_track | at_risk | breached | paused | met`` of a ticket at ``now``: a done ticket
    is met unless resolved late or first answered late; an open one is breached once a due
    time has passed unanswered (or was answered late), paused while waiting on the dealer,
    at risk from its warning time. The rules of ``selectors.sla_state_annotation`` (SQL),
    row by row — the ticket list computes a page of them with one ``now``."""
    answered_late = bool(
        first_response_at and first_response_due and first_response_at > first_response_due
    )
    if status in DONE_STATUSES:
        return "breached" if resolved_within_target is False or answered_late else "met"
    if (
        (first_response_at is None and _passed(first_response_due, now))
        or _passed(resolution_due, now)
        or answered_late
    ):
        return "breached"
    if status == "waiting_on_dealer":
        return "paused"
    if _passed(warning_at, now):
        return "at_risk"
    return "on_track"


def _passed(instant: datetime | None, now: datetime) -> bool:
    return instant is not None and instant <= now
