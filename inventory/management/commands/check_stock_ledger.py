from django.core.management.base import BaseCommand, CommandError

from inventory.selectors import stock_ledger_breaks
from portal.audit import acting_as


class Command(BaseCommand):
    help = (
        "Verify the stock ledger: for every level, the deltas of its movements add up to its "
        "quantity (and the last movement's quantity-after equals it). Exits non-zero naming "
        "every level that breaks it."
    )

    def handle(self, *args, **options):
        with acting_as("command:check_stock_ledger"):
            breaks = stock_ledger_breaks()
        for b in breaks:
            self.stderr.write(
                f"{b.warehouse} · {b.sku} (level {b.level_id}): quantity {b.quantity}, "
                f"ledger sum {b.ledger_sum}, last quantity-after {b.last_after}"
            )
        if breaks:
            raise CommandError(f"{len(breaks)} stock level(s) break the ledger invariant.")
        self.stdout.write("Stock ledger OK.")
