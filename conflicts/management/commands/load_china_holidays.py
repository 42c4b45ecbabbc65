"""Load (or reload) a year of mainland China's holidays and make-up days into a calendar."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from conflicts.calendar_data import CHINA_CALENDAR_CODE, china_days, load_china_year
from conflicts.jobs import next_year_holidays_load
from conflicts.models import BusinessCalendar, CalendarHoliday, MakeUpWorkday
from portal.audit import acting_as


class Command(BaseCommand):
    help = "Load a year of China's public holidays and make-up working days (holidays package)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--year", type=int)
        which.add_argument(
            "--next-year",
            action="store_true",
            help="the yearly job: next year, recorded as a job run, staff told when the "
            "official notice is missing",
        )
        parser.add_argument("--calendar", default=CHINA_CALENDAR_CODE)
        parser.add_argument(
            "--replace", action="store_true", help="remove the year's rows first (reload)"
        )

    def handle(self, *args, **options):
        if options["next_year"]:
            with acting_as("command:load_china_holidays"):
                try:
                    result = next_year_holidays_load(calendar_code=options["calendar"])
                except BusinessCalendar.DoesNotExist:
                    raise CommandError(f"no calendar {options['calendar']}") from None
            self.stdout.write(
                f"{result['year']}: {result['holidays']} holidays and {result['makeups']} "
                "make-up days added"
                + ("" if result["official"] else " (provisional: staff were notified)")
            )
            return
        try:
            calendar = BusinessCalendar.objects.get(code=options["calendar"])
        except BusinessCalendar.DoesNotExist:
            raise CommandError(f"no calendar {options['calendar']}") from None
        with acting_as("command:load_china_holidays"), transaction.atomic():
            holidays_, makeups = load_china_year(
                calendar=calendar,
                Holiday=CalendarHoliday,
                MakeUp=MakeUpWorkday,
                year=options["year"],
                replace=options["replace"],
            )
        official = china_days(options["year"])[2]
        self.stdout.write(
            f"{holidays_} holidays and {makeups} make-up days added to {calendar.code}"
            + ("" if official else " (provisional: the official notice is not in the package)")
        )
