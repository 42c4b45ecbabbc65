"""Periodic jobs of the conflicts app, shared by the Celery task and its command twin, so
that each run is recorded (``portal.job_runs``) whichever of them started it."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from conflicts.calendar_data import CHINA_CALENDAR_CODE, china_days, load_china_year
from conflicts.models import BusinessCalendar, CalendarHoliday, MakeUpWorkday
from conflicts.services import SweepOutcome, ticket_escalate_due
from conflicts.services._common import _notify
from portal.clock import manufacturer_today
from portal.job_runs import job_run
from portal.messages import Message
from portal.models import User


def escalation_sweep(*, now: datetime | None = None) -> SweepOutcome:
    """``ticket_escalate_due`` recorded as an ``escalate_tickets`` job run: its counts, and
    one error per ticket that failed (the sweep went on with the others)."""
    now = now or timezone.now()
    with job_run("escalate_tickets", params={"now": now.isoformat()}) as run:
        outcome = ticket_escalate_due(now=now)
        for ticket_id, message in outcome.failures:
            run.error(message, ticket=ticket_id)
        run.count(**outcome.as_counts())
        if outcome.budget_spent:
            run.error("time budget spent; the next sweep goes on", code="budget_spent")
    return outcome


#: staff who keep the business calendars (conflicts.roles: _POLICY_EDIT)
CALENDAR_KEEPERS = ("channel_manager", "executive")


def next_year_holidays_load(
    *, today: date | None = None, calendar_code: str = CHINA_CALENDAR_CODE
) -> dict:
    """The yearly job (DOMAIN.md §7.3): load next year's official holidays and make-up days
    of mainland China into the calendar, recorded as a ``load_next_year_holidays`` run.

    When the pinned ``holidays`` package does not carry the State Council's notice yet, the
    statutory days are loaded marked "(provisional)" and the staff who keep calendars get a
    notice saying so (reload with ``load_china_holidays --year N --replace`` after upgrading
    the package). A later run that finds the notice replaces provisional rows. Idempotent."""
    year = (today or manufacturer_today()).year + 1
    with job_run("load_next_year_holidays", params={"year": year}) as run:
        with transaction.atomic():
            calendar = BusinessCalendar.objects.get(code=calendar_code)
            official = china_days(year)[2]
            provisional = CalendarHoliday.objects.filter(
                calendar=calendar, day__year=year, name__endswith="(provisional)"
            ).exists()
            holidays_, makeups = load_china_year(
                calendar=calendar,
                Holiday=CalendarHoliday,
                MakeUp=MakeUpWorkday,
                year=year,
                replace=official and provisional,
            )
            if not official:
                _notify_missing_holidays(calendar, year)
        run.count(holidays=holidays_, makeups=makeups, provisional=int(not official))
    return {"year": year, "official": official, "holidays": holidays_, "makeups": makeups}


def _notify_missing_holidays(calendar, year: int) -> None:
    keepers = User.objects.filter(is_active=True, is_staff=True).filter(
        Q(groups__name__in=CALENDAR_KEEPERS) | Q(is_superuser=True)
    )
    _notify(
        list(keepers.distinct()),
        kind="calendar.holidays_missing",
        title=Message(
            gettext_noop(
                "%(year)s holidays of %(calendar)s are provisional: the official notice is missing"
            ),
            year=str(year),
            calendar=calendar.name,
        ),
        body=Message(
            gettext_noop(
                "The statutory days were loaded without make-up working days. Once the official "
                "notice is published, upgrade the holidays package and run "
                "“manage.py load_china_holidays --year %(year)s --replace”, or correct the "
                "days in the admin."
            ),
            year=str(year),
        ),
        url=reverse("admin:conflicts_businesscalendar_change", args=[calendar.pk]),
    )
