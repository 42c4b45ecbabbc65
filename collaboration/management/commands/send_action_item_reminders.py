"""`manage.py send_action_item_reminders [--now ISO] [--days-before N]`: the ops twin of the
daily beat task."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from collaboration.jobs import action_item_reminders_run
from portal.audit import acting_as


class Command(BaseCommand):
    help = "Remind owners of open action items due within N days (each item once per due date)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO date-time to act as now (default: now)")
        parser.add_argument("--days-before", type=int, default=3)

    def handle(self, *args, now=None, days_before=3, **options):
        when = timezone.now()
        if now:
            try:
                when = dt.datetime.fromisoformat(now)
            except ValueError:
                raise CommandError("--now must be an ISO date-time") from None
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        with acting_as("command:send_action_item_reminders"):
            sent = action_item_reminders_run(now=when, days_before=days_before)
        self.stdout.write(self.style.SUCCESS(f"{sent} reminders sent"))
