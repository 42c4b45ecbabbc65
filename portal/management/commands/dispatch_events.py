"""`manage.py dispatch_events [--now ISO]`: the ops twin of the every-minute sweep of the
outbox, dispatching events whose dispatch was lost or whose subscriber failed."""


from django.core.management.base import BaseCommand

from portal.audit import acting_as
from portal.commands import now_option
from portal.jobs import events_dispatch_pending_run


class Command(BaseCommand):
    help = (
        "Dispatch recorded events not yet handled by all their subscribers (after a short "
        "grace period, or when a failed subscriber is due for a retry)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO date-time to act as now (default: now); without an offset, manufacturer time",
        )

    def handle(self, *args, now=None, **options):
        when = now_option(now)
        with acting_as("command:dispatch_events"):
            tried = events_dispatch_pending_run(now=when)
        self.stdout.write(self.style.SUCCESS(f"{tried} pending events dispatched"))
