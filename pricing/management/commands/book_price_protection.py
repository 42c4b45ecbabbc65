"""`manage.py book_price_protection [--now ISO] [--all]`: the ops twin of the hourly beat
task (DOMAIN.md §13 price protection)."""

from django.core.management.base import BaseCommand

from portal.audit import acting_as
from portal.commands import now_option
from pricing.services import price_protection_book


class Command(BaseCommand):
    help = (
        "Book the price protection credits of the price guides whose instant has passed "
        "(once per dealer and guide)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO date-time to act as now (default: now); without an offset, manufacturer time",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="look at the guides already booked too (books nothing twice)",
        )

    def handle(self, *args, now=None, all=False, **options):
        when = now_option(now)
        with acting_as("command:book_price_protection"):
            counts = price_protection_book(now=when, include_booked=all)
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['credits']} credits booked for {counts['guides']} price guides"
            )
        )
