from django.core.management.base import BaseCommand, CommandError

from portal.audit import acting_as
from portal.data_integrity import integrity_violations


class Command(BaseCommand):
    help = (
        "Check the data's invariants: stock ledgers add up, statement totals equal their "
        "components, each sale line counted once, each escalation level at most once per "
        "ticket, no orphaned references. Prints every violation and exits non-zero if any."
    )

    def handle(self, *args, **options):
        with acting_as("command:check_integrity"):
            report = integrity_violations()
        failed = 0
        for name, violations in report.items():
            for violation in violations:
                self.stderr.write(f"{name}: {violation}")
            failed += len(violations)
            if options["verbosity"] > 1:
                self.stdout.write(f"{name}: {'OK' if not violations else len(violations)}")
        if failed:
            raise CommandError(f"{failed} integrity violation(s) in {len(report)} checks.")
        self.stdout.write(f"Integrity OK ({len(report)} checks).")
