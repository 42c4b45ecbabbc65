from django.core.management.base import BaseCommand

from portal.commands import now_option
from webhooks.jobs import deliveries_attempt_due_job


class Command(BaseCommand):
    help = "Attempt every webhook delivery that is due (the twin of webhooks.tasks.deliver_due)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO date-time to act as now (default: now); without an offset, manufacturer time",
        )

    def handle(self, *args, **options):
        now = now_option(options["now"]) if options["now"] else None
        attempted = deliveries_attempt_due_job(now=now)
        self.stdout.write(f"{attempted} attempt(s)")
