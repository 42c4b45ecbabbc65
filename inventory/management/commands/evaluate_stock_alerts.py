from django.core.management.base import BaseCommand

from inventory.services import stock_alerts_evaluate_periodic
from portal.audit import acting_as
from portal.commands import now_option


class Command(BaseCommand):
    help = (
        "Evaluate reorder rules (low/over alerts) and stale-data flags now (the twin of the "
        "hourly task)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO date-time to act as now (default: now); without an offset, manufacturer time",
        )
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")

    def handle(self, *args, now=None, dry_run=False, **options):
        when = now_option(now)
        with acting_as("command:evaluate_stock_alerts"):
            counts = stock_alerts_evaluate_periodic(now=when, dry_run=dry_run)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing")
