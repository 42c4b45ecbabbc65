"""Mainland China's public holidays and make-up working days (调休), from the pinned
``holidays`` package (State Council notices; 2026 checked against 国办发明电〔2025〕号 notice:
Jan 1–3, Feb 15–23, Apr 4–6, May 1–5, Jun 19–21, Sep 25–27, Oct 1–7 off; Jan 4, Feb 14,
Feb 28, May 9, Sep 20, Oct 10 worked).

For a year whose notice the package does not yet carry, the package gives the statutory
days with its own estimate of substitutes and no make-up days: such rows are named
"(provisional)" so staff can see them, and ``python manage.py load_china_holidays --year N
--replace`` reloads a year once a newer ``holidays`` release has the notice.

Used by the seed migration and the command with plain model classes (historical or real).
"""

from __future__ import annotations

from datetime import date, time

CHINA_CALENDAR_CODE = "CN-MAINLAND"
OFFICE_HOURS = [(time(9), time(18))]


def china_days(year: int) -> tuple[dict[date, str], dict[date, str], bool]:
    """(holidays {date: name}, make-up working days {date: name}, official?) for ``year``."""
    import holidays
    from holidays.countries.china import ChinaStaticHolidays

    days = holidays.China(years=[year], language="en_US")
    swaps = ChinaStaticHolidays.special_public_holidays.get(year, ())
    official = bool(swaps) or year in ChinaStaticHolidays.special_public_holidays
    makeups: dict[date, str] = {}
    for holiday_month, holiday_day, work_month, work_day in swaps:
        work_year = year - 1 if (holiday_month == 1 and work_month == 12) else year
        makeups[date(work_year, work_month, work_day)] = (
            f"Make-up working day for {date(year, holiday_month, holiday_day)}"
        )
    suffix = "" if official else " (provisional)"
    return {d: f"{name}{suffix}" for d, name in days.items()}, makeups, official


def load_china_year(
    *, calendar, Holiday, MakeUp, year: int, replace: bool = False
) -> tuple[int, int]:
    """Add ``year``'s holidays and make-up days to ``calendar``; returns (holidays, make-ups)
    added. With ``replace``, the year's existing rows are removed first."""
    holidays_, makeups, _official = china_days(year)
    if replace:
        Holiday.objects.filter(calendar=calendar, day__year=year).delete()
        MakeUp.objects.filter(calendar=calendar, day__year=year).delete()
    added_h = added_m = 0
    for day, name in sorted(holidays_.items()):
        _, created = Holiday.objects.get_or_create(
            calendar=calendar, day=day, defaults={"name": name[:100]}
        )
        added_h += created
    for day, name in sorted(makeups.items()):
        _, created = MakeUp.objects.get_or_create(
            calendar=calendar,
            day=day,
            defaults={"name": name[:100], "works_as": day.weekday() if day.weekday() < 5 else 0},
        )
        added_m += created
    return added_h, added_m
