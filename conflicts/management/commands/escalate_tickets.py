"""The ops twin of the every-minute escalation sweep (DOMAIN.md §7.4)."""


from django.core.management.base import BaseCommand

from conflicts.jobs import escalation_sweep
from portal.audit import acting_as
from portal.commands import now_option


class Command(BaseCommand):
    help = "Escalate every ticket whose next escalation step is due (safe to run any time)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO 8601 date-time to sweep as of (default: now), e.g. "
            "2026-11-23T12:00:00+08:00; without an offset, manufacturer time",
        )

    def handle(self, *args, **options):
        now = now_option(options["now"])
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
