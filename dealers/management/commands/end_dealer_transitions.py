import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dealers import jobs
from portal.audit import acting_as


class Command(BaseCommand):
    help = (
        "Terminate dealers whose transition period (after notice) has ended. "
        "Idempotent; the twin of the daily beat job."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", metavar="DATE", help="today's date, YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")

    def handle(self, *args, now=None, dry_run=False, **options):
        try:
            today = datetime.date.fromisoformat(now) if now else timezone.localdate()
        except ValueError:
            raise CommandError("--now must be a date, YYYY-MM-DD") from None
        with acting_as("command:end_dealer_transitions"):
            codes = jobs.end_dealer_transitions(today=today, dry_run=dry_run)
        verb = "would terminate" if dry_run else "terminated"
        self.stdout.write(f"{verb} {len(codes)} dealer(s): {', '.join(codes) or '-'}")
