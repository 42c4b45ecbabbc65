"""The manufacturer's calendar: business dates (notice periods, expiries, quarters) are
counted in ``MANUFACTURER_TIME_ZONE``, not in the server's UTC. Months and quarters of
that calendar: ``portal.periods``."""

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
