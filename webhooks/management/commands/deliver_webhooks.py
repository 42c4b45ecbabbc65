from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_datetime

from webhooks.jobs import deliveries_attempt_due_job


class Command(BaseCommand):
    help = "Attempt every webhook delivery that is due (the twin of webhooks.tasks.deliver_due)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO 8601 instant with offset (default: now)")

    def handle(self, *args, **options):
        now = parse_datetime(options["now"]) if options["now"] else None
        attempted = deliveries_attempt_due_job(now=now)
        self.stdout.write(f"{attempted} attempt(s)")
