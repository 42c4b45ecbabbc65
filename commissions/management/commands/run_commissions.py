"""`python manage.py run_commissions --period YYYY-MM [--dealer CODE] [--dry-run]`."""

from django.core.management.base import BaseCommand, CommandError

from commissions.jobs import statements_run
from dealers.models import Dealer
from portal.audit import acting_as
from portal.periods import Month


class Command(BaseCommand):
    help = (
        "Build or refresh the month's commission statements (drafts are recomputed; approved "
        "and paid statements are never touched)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="the month, YYYY-MM")
        parser.add_argument("--dealer", help="only this dealer (code)")
        parser.add_argument("--dry-run", action="store_true", help="compute, write nothing")

    def handle(self, *args, period, dealer=None, dry_run=False, **options):
        try:
            month = Month.parse(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        dealer_ids = None
        if dealer:
            found = Dealer.objects.filter(code=dealer).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"unknown dealer {dealer!r}")
            dealer_ids = [found]
        with acting_as("command:run_commissions"):
            outcomes = statements_run(period=month, dealer_ids=dealer_ids, dry_run=dry_run)
        codes = {}
        if outcomes:
            codes = dict(
                Dealer.objects.filter(pk__in=[o.dealer_id for o in outcomes]).values_list(
                    "pk", "code"
                )
            )
        for o in outcomes:
            self.stdout.write(
                f"{codes.get(o.dealer_id, o.dealer_id):<12} {o.result:<10} "
                f"net {o.net_sales:>14} total {o.total:>14}"
            )
        prefix = "[dry run] " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{month}: {len(outcomes)} statement(s)"))
