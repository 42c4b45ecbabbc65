from django.core.management.base import BaseCommand, CommandError

from mdf.integrity import mdf_ledger
from portal.audit import acting_as


class Command(BaseCommand):
    help = (
        "Verify the marketing-fund ledger: every fund's available and reserved amounts are the "
        "sums of its movements, never negative, and no closed request keeps a reservation. Exits "
        "non-zero naming every fund that breaks it."
    )

    def handle(self, *args, **options):
        with acting_as("command:check_mdf_ledger"):
            breaks = mdf_ledger()
        for line in breaks:
            self.stderr.write(line)
        if breaks:
            raise CommandError(f"{len(breaks)} marketing fund(s) break the ledger invariant.")
        self.stdout.write("Marketing-fund ledger OK.")
