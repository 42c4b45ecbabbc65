"""Next year's holidays come from a yearly job (DOMAIN.md §7.3), and staff are told when the
official notice is missing."""

from datetime import date

import pytest

from conflicts.calendar_data import CHINA_CALENDAR_CODE
from conflicts.jobs import next_year_holidays_load
from conflicts.models import BusinessCalendar, CalendarHoliday
from portal.models import JobRun, Notification
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper():
    return StaffUserFactory(groups=["channel_manager"])


def test_a_year_without_the_official_notice_is_loaded_provisional_and_staff_told(
    keeper, django_capture_on_commit_callbacks
):
    support = StaffUserFactory(groups=["support"])
    with django_capture_on_commit_callbacks(execute=True):
        result = next_year_holidays_load(today=date(2027, 12, 1))
    assert (result["year"], result["official"]) == (2028, False)
    calendar = BusinessCalendar.objects.get(code=CHINA_CALENDAR_CODE)
    days = CalendarHoliday.objects.filter(calendar=calendar, day__year=2028)
    assert days.filter(day=date(2028, 1, 1)).exists()
    assert all(name.endswith("(provisional)") for name in days.values_list("name", flat=True))
    [notice] = Notification.objects.filter(kind="calendar.holidays_missing")
    assert notice.recipient == keeper and "2028" in notice.title
    assert not Notification.objects.filter(recipient=support).exists()
    assert JobRun.objects.get(job="load_next_year_holidays").params == {"year": 2028}


def test_an_official_year_is_loaded_without_a_notice_and_replaces_provisional_rows(
    keeper, django_capture_on_commit_callbacks
):
    calendar = BusinessCalendar.objects.get(code=CHINA_CALENDAR_CODE)
    CalendarHoliday.objects.filter(calendar=calendar, day__year=2026).delete()
    CalendarHoliday.objects.create(
        calendar=calendar, day=date(2026, 3, 3), name="Guess (provisional)"
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = next_year_holidays_load(today=date(2025, 12, 1))
    assert result["official"] is True
    assert not CalendarHoliday.objects.filter(calendar=calendar, day=date(2026, 3, 3)).exists()
    assert CalendarHoliday.objects.filter(calendar=calendar, day=date(2026, 2, 16)).exists()
    assert not Notification.objects.exists()
    next_year_holidays_load(today=date(2025, 12, 1))  # again: nothing more
    assert CalendarHoliday.objects.filter(calendar=calendar, day__year=2026).count() == len(
        set(CalendarHoliday.objects.filter(calendar=calendar, day__year=2026).values_list("day"))
    )


def test_the_job_is_scheduled_yearly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["conflicts-load-next-year-holidays"]
    assert entry["task"] == "conflicts.tasks.load_next_year_holidays"
