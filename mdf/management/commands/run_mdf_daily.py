"""`manage.py run_mdf_daily [--now ISO] [--dry-run]`: the ops twin of the daily beat task
(DOMAIN.md §14): expire unused accruals, lapse unclaimed requests."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mdf.services import mdf_daily_run
from portal.audit import acting_as


class Command(BaseCommand):
    help = "Expire unused marketing-fund accruals and lapse requests unclaimed 60 days after their end."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO date-time to act as now (default: now)")
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, now=None, dry_run=False, **options):
        when = timezone.now()
        if now:
            try:
                when = dt.datetime.fromisoformat(now)
            except ValueError:
                raise CommandError("--now must be an ISO date-time") from None
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        with acting_as("command:run_mdf_daily"):
            counts = mdf_daily_run(now=when, dry_run=dry_run)
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing to do"
        self.stdout.write(self.style.SUCCESS(("[dry run] " if dry_run else "") + summary))
