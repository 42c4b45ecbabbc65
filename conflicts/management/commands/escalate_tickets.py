"""The ops twin of the every-minute escalation sweep (DOMAIN.md §7.4)."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from conflicts.jobs import escalation_sweep
from portal.audit import acting_as


class Command(BaseCommand):
    help = "Escalate every ticket whose next escalation step is due (safe to run any time)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO 8601 instant with offset to sweep as of (default: now), "
            "e.g. 2026-11-23T12:00:00+08:00",
        )

    def handle(self, *args, **options):
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError("--now must be an ISO 8601 instant") from None
            if timezone.is_naive(now):
                raise CommandError("--now needs a time zone offset, e.g. +08:00")
        with acting_as("command:escalate_tickets"):
            outcome = escalation_sweep(now=now)
        for ticket_id, level in outcome.escalated:
            self.stdout.write(f"ticket {ticket_id} escalated to level {level}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(outcome.escalated)} escalated, {len(outcome.warned)} warned, "
                f"{outcome.skipped} skipped (locked by another sweep), {len(outcome.failed)} failed"
            )
        )
