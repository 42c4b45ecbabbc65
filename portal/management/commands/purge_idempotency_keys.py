from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portal.audit import acting_as
from portal.jobs import idempotency_keys_purge_run


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than 24 hours (the twin of the hourly task)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="as of this ISO 8601 time (default: now)")

    def handle(self, *args, now=None, **options):
        when = parse_datetime(now) if now else timezone.now()
        with acting_as("command:purge_idempotency_keys"):
            deleted = idempotency_keys_purge_run(now=when)
        self.stdout.write(f"Purged {deleted} idempotency record(s).")
