"""Periodic jobs of the portal (merged into ``CELERY_BEAT_SCHEDULE``; CELERY_TIMEZONE is UTC).

- action-item reminders: daily, 09:00 manufacturer time (twin: ``send_action_item_reminders``);
- stalled job runs: every 5 minutes (twin: ``mark_stalled_jobs``);
- pending events of the outbox: every minute (twin: ``dispatch_events``);
- quarterly reviews: the first day of each quarter, 02:00 manufacturer time (twin:
  ``run_quarterly_reviews``).

Beat's crontabs are read in UTC, so local times are converted with the manufacturer time
zone's UTC offset (Asia/Shanghai has no daylight saving time: 02:00 local on 1 January is
18:00 UTC on 31 December). The quarterly task also checks the local date itself, so a zone
whose offset shifts the day lands on the right day too.
"""

import datetime as dt
import os
from zoneinfo import ZoneInfo

from celery.schedules import crontab

QUARTER_FIRST_MONTHS = (1, 4, 7, 10)


def _manufacturer_time_zone() -> str:
    # Read from the environment like settings.MANUFACTURER_TIME_ZONE: this module is
    # imported while the settings module itself is still loading.
    return os.environ.get("MANUFACTURER_TIME_ZONE") or "Asia/Shanghai"


def utc_time_of(local_hour: int, local_minute: int = 0, tz: str | None = None):
    """(hour, minute, day_shift) in UTC of a local wall time in ``tz`` today (day_shift is
    -1 when it falls on the previous UTC day, +1 on the next)."""
    zone = ZoneInfo(tz or _manufacturer_time_zone())
    today = dt.datetime.now(zone).date()
    local = dt.datetime(today.year, today.month, today.day, local_hour, local_minute, tzinfo=zone)
    utc = local.astimezone(dt.UTC)
    return utc.hour, utc.minute, (utc.date() - today).days


def quarterly_crontab(tz: str | None = None) -> crontab:
    """02:00 local on 1 Jan/Apr/Jul/Oct, as a UTC crontab."""
    hour, minute, shift = utc_time_of(2, 0, tz)
    if shift < 0:  # the previous UTC day: the last day of Mar/Jun/Sep/Dec
        # 30 and 31: Jun and Sep have no 31st; the task skips the day that is not the 1st
        # locally (31 March at 18:00 UTC is 1 April 02:00 in Shanghai; 30 March is not).
        return crontab(minute=minute, hour=hour, day_of_month="30,31", month_of_year="3,6,9,12")
    if shift > 0:
        return crontab(minute=minute, hour=hour, day_of_month="1,2", month_of_year="1,4,7,10")
    return crontab(minute=minute, hour=hour, day_of_month="1", month_of_year="1,4,7,10")


def daily_crontab(local_hour: int, tz: str | None = None) -> crontab:
    hour, minute, _shift = utc_time_of(local_hour, 0, tz)
    return crontab(minute=minute, hour=hour)


BEAT_SCHEDULE = {
    "portal-action-item-reminders": {
        "task": "portal.tasks.action_item_reminders",
        "schedule": daily_crontab(9),
    },
    "portal-mark-stalled-jobs": {
        "task": "portal.tasks.mark_stalled_jobs",
        "schedule": crontab(minute="*/5"),
    },
    "portal-dispatch-pending-events": {
        "task": "portal.tasks.dispatch_pending_events",
        "schedule": crontab(minute="*"),
    },
    "dealers-quarterly-reviews": {
        "task": "portal.tasks.quarterly_reviews",
        "schedule": quarterly_crontab(),
    },
}
