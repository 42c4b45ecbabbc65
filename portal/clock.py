"""The manufacturer's clock: business dates (notice periods, expiries, quarters) are
counted in ``MANUFACTURER_TIME_ZONE``, not in the server's UTC, and every time shown to a
person is in that zone (pages: ``portal.middleware.TimeZoneMiddleware``; e-mails and
notifications: :func:`format_instant`). Months and quarters of that calendar:
``portal.periods``."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def manufacturer_tz() -> str:
    """The zone's name (``Asia/Shanghai``): for ``TruncMonth``, templates and naive input."""
    return settings.MANUFACTURER_TIME_ZONE


def manufacturer_zone() -> ZoneInfo:
    return ZoneInfo(manufacturer_tz())


def manufacturer_today() -> dt.date:
    return timezone.localdate(timezone=manufacturer_zone())


def manufacturer_now() -> dt.datetime:
    """Now, as a wall-clock time in the manufacturer's zone."""
    return timezone.now().astimezone(manufacturer_zone())


def manufacturer_date(instant: dt.datetime) -> dt.date:
    """The manufacturer's calendar date of an aware instant."""
    return instant.astimezone(manufacturer_zone()).date()


def utc_offset_label(zone: ZoneInfo, *, at: dt.datetime | None = None) -> str:
    """``UTC+8``, ``UTC-3:30``: the zone's offset at ``at`` (now)."""
    offset = (at or timezone.now()).astimezone(zone).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone: ZoneInfo | None = None, *, at: dt.datetime | None = None) -> str:
    """``Asia/Shanghai (UTC+8)``: the zone by name and its offset at ``at`` (now)."""
    zone = zone or manufacturer_zone()
    return f"{zone.key} ({utc_offset_label(zone, at=at)})"


def format_instant(instant: dt.datetime | None, *, offset: bool = True) -> str:
    """An instant for people (e-mails, notifications, messages, admin cells): the
    manufacturer's wall clock to the minute with the zone's offset (``2026-11-20 17:44
    (UTC+8)``; ``offset=False`` on pages, which name their zone once); "—" for None. Never
    UTC, never microseconds."""
    if instant is None:
        return "—"
    zone = manufacturer_zone()
    local = instant.astimezone(zone)
    if not offset:
        return f"{local:%Y-%m-%d %H:%M}"
    return f"{local:%Y-%m-%d %H:%M} ({utc_offset_label(zone, at=instant)})"
