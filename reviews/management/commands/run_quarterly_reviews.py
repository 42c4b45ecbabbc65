"""`manage.py run_quarterly_reviews --quarter 2026Q4 [--dealer CODE] [--dry-run]`: the ops
twin of the beat task (first day of each quarter, 02:00 manufacturer time)."""

from django.core.management.base import BaseCommand, CommandError

from dealers.models import Dealer
from portal.audit import acting_as
from portal.periods import Quarter
from reviews.services import QuarterlyRunIncomplete, quarter_check_over, quarterly_run


class Command(BaseCommand):
    help = (
        "Quarterly reviews, tier evaluation and threshold bonuses for a quarter "
        "(idempotent: re-run to complete a failed run)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quarter", help="e.g. 2026Q4 (default: the quarter before the current one)"
        )
        parser.add_argument("--dealer", help="only this dealer (its code)")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would be done; change nothing"
        )

    def handle(self, *args, quarter=None, dealer=None, dry_run=False, **options):
        try:
            quarter = str(quarter_check_over(quarter or Quarter.current().previous()))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        dealer_obj = None
        if dealer:
            dealer_obj = Dealer.objects.filter(code=dealer).first()
            if dealer_obj is None:
                raise CommandError(f"no dealer with code {dealer!r}")
        with acting_as("command:run_quarterly_reviews"):
            try:
                counts = quarterly_run(quarter=quarter, dealer=dealer_obj, dry_run=dry_run)
            except QuarterlyRunIncomplete as exc:
                raise CommandError(str(exc)) from None
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "no dealers"
        prefix = "[dry run] " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{quarter}: {summary}"))
