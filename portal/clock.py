"""The manufacturer's calendar: business dates (notice periods, expiries, quarters) are
counted in ``MANUFACTURER_TIME_ZONE``, not in the server's UTC."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def manufacturer_zone() -> ZoneInfo:
    return ZoneInfo(settings.MANUFACTURER_TIME_ZONE)


def manufacturer_today() -> dt.date:
    return timezone.localdate(timezone=manufacturer_zone())
