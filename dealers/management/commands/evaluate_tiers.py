import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dealers import jobs
from portal.audit import acting_as
from portal.periods import Quarter


class Command(BaseCommand):
    help = (
        "Evaluate dealers' certification tiers for a quarter (DOMAIN.md §4), trailing sales "
        "from the reported sale lines. Idempotent per dealer and quarter."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="quarter like 2026Q3 (default: last completed)")
        parser.add_argument("--dealer", action="append", metavar="CODE", help="only this dealer")
        parser.add_argument("--now", metavar="DATE", help="count certifications on this date")

    def handle(self, *args, period=None, dealer=None, now=None, **options):
        try:
            on_date = datetime.date.fromisoformat(now) if now else timezone.localdate()
            period = str(Quarter.parse(period) if period else Quarter.of(on_date).previous())
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        with acting_as("command:evaluate_tiers"):
            outcomes = jobs.evaluate_tiers(period=period, dealer_codes=dealer, on_date=on_date)
        for code, outcome in outcomes.items():
            self.stdout.write(f"{code}: {outcome}")
