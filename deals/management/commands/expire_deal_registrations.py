"""`manage.py expire_deal_registrations [--now ISO] [--dry-run]`: the ops twin of the daily
beat task (DOMAIN.md §12)."""

from django.core.management.base import BaseCommand

from deals.services import deal_registrations_expire
from portal.audit import acting_as
from portal.commands import now_option


class Command(BaseCommand):
    help = "Expire the approved deal registrations whose protection has ended, once each."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO date-time to act as now (default: now); without an offset, manufacturer time",
        )
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, now=None, dry_run=False, **options):
        when = now_option(now)
        with acting_as("command:expire_deal_registrations"):
            result = deal_registrations_expire(now=when, dry_run=dry_run)
        verb = "would expire" if dry_run else "expired"
        self.stdout.write(self.style.SUCCESS(f"{result['expired']} deal registration(s) {verb}"))
