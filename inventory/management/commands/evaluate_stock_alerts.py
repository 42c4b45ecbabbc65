from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from inventory.services import stock_alerts_evaluate_periodic
from portal.audit import acting_as


class Command(BaseCommand):
    help = (
        "Evaluate reorder rules (low/over alerts) and stale-data flags now (the twin of the "
        "hourly task)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="evaluate as of this ISO 8601 time (default: now)")
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")

    def handle(self, *args, now=None, dry_run=False, **options):
        when = parse_datetime(now) if now else timezone.now()
        with acting_as("command:evaluate_stock_alerts"):
            counts = stock_alerts_evaluate_periodic(now=when, dry_run=dry_run)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing")
