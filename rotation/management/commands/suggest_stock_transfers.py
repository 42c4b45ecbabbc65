"""`manage.py suggest_stock_transfers [--province CODE] [--now ISO] [--dry-run]`: the ops twin
of the nightly beat task (DOMAIN.md §16)."""


from django.core.management.base import BaseCommand, CommandError

from dealers.models import Region
from portal.audit import acting_as
from portal.commands import now_option
from rotation.services import transfer_suggestions_compute


class Command(BaseCommand):
    help = "Recompute the stock transfer suggestions per province (replacing the previous ones)."

    def add_arguments(self, parser):
        parser.add_argument("--province", help="a province code, e.g. CN-GD (default: all)")
        parser.add_argument(
            "--now",
            help="ISO date-time to act as now (default: now); without an offset, manufacturer time",
        )
        parser.add_argument("--dry-run", action="store_true", help="compute, store nothing")

    def handle(self, *args, province=None, now=None, dry_run=False, **options):
        when = now_option(now)
        if province and not Region.objects.filter(
            code=province, kind=Region.Kind.PROVINCE
        ).exists():
            raise CommandError(f"no province with code {province!r}")
        with acting_as("command:suggest_stock_transfers"):
            counts = transfer_suggestions_compute(province_code=province, now=when, dry_run=dry_run)
        verb = "would be suggested" if dry_run else "suggested"
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts.get('suggestions', 0)} transfers {verb} in {counts['provinces']} provinces"
            )
        )
