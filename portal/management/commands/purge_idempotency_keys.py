from django.core.management.base import BaseCommand

from portal.audit import acting_as
from portal.commands import now_option
from portal.jobs import idempotency_keys_purge_run


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than 24 hours (the twin of the hourly task)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO date-time to act as now (default: now); without an offset, manufacturer time",
        )

    def handle(self, *args, now=None, **options):
        when = now_option(now)
        with acting_as("command:purge_idempotency_keys"):
            deleted = idempotency_keys_purge_run(now=when)
        self.stdout.write(f"Purged {deleted} idempotency record(s).")
