"""`manage.py run_mdf_daily [--now ISO] [--dry-run]`: the ops twin of the daily beat task
(DOMAIN.md §14): expire unused accruals, lapse unclaimed requests."""

from django.core.management.base import BaseCommand

from mdf.services import mdf_daily_run
from portal.audit import acting_as
from portal.commands import now_option


class Command(BaseCommand):
    help = "Expire unused marketing-fund accruals and lapse requests unclaimed 60 days after their end."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO date-time to act as now (default: now); without an offset, manufacturer time",
        )
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, now=None, dry_run=False, **options):
        when = now_option(now)
        with acting_as("command:run_mdf_daily"):
            counts = mdf_daily_run(now=when, dry_run=dry_run)
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing to do"
        self.stdout.write(self.style.SUCCESS(("[dry run] " if dry_run else "") + summary))
