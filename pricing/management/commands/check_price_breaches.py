"""`manage.py check_price_breaches --month YYYY-MM [--dealer CODE]`: check a month's sale
lines against their price guides (DOMAIN.md §13), as the ``sales.recorded`` subscriber does
for every batch. Lines already checked are skipped, so it is safe to re-run (e.g. after the
event dispatch was down)."""

from django.core.management.base import BaseCommand, CommandError

from commissions.models import SaleLine
from dealers.models import Dealer
from portal.audit import acting_as
from portal.periods import Month, PeriodError
from pricing.services import price_breaches_check

CHUNK = 10_000


class Command(BaseCommand):
    help = "Check a month's sale lines for price breaches (lines already checked are skipped)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="e.g. 2027-01")
        parser.add_argument("--dealer", help="a dealer code (default: all)")

    def handle(self, *args, month, dealer=None, **options):
        try:
            period = Month.parse(month)
        except PeriodError:
            raise CommandError("--month must look like 2027-01") from None
        start, end = period.bounds()
        lines = SaleLine.objects.filter(sold_at__gte=start, sold_at__lt=end, quantity__gt=0)
        if dealer:
            found = Dealer.objects.filter(code=dealer.strip().upper()).first()
            if found is None:
                raise CommandError(f"no dealer with code {dealer!r}")
            lines = lines.filter(dealer=found)
        ids = list(lines.order_by("pk").values_list("pk", flat=True))
        totals = {"checked": 0, "breaches": 0, "tickets_opened": 0, "tickets_appended": 0}
        with acting_as("command:check_price_breaches"):
            for i in range(0, len(ids), CHUNK):
                counts = price_breaches_check(sale_line_ids=ids[i : i + CHUNK])
                for key in totals:
                    totals[key] += counts[key]
        self.stdout.write(
            self.style.SUCCESS(
                f"{totals['checked']} lines checked, {totals['breaches']} breaches, "
                f"{totals['tickets_opened']} tickets opened, "
                f"{totals['tickets_appended']} tickets appended to"
            )
        )
