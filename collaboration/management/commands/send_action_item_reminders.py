"""`manage.py send_action_item_reminders [--now ISO] [--days-before N]`: the ops twin of the
daily beat task."""


from django.core.management.base import BaseCommand

from collaboration.jobs import action_item_reminders_run
from portal.audit import acting_as
from portal.commands import now_option


class Command(BaseCommand):
    help = "Remind owners of open action items due within N days (each item once per due date)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO date-time to act as now (default: now); without an offset, manufacturer time",
        )
        parser.add_argument("--days-before", type=int, default=3)

    def handle(self, *args, now=None, days_before=3, **options):
        when = now_option(now)
        with acting_as("command:send_action_item_reminders"):
            sent = action_item_reminders_run(now=when, days_before=days_before)
        self.stdout.write(self.style.SUCCESS(f"{sent} reminders sent"))
