"""`manage.py mark_stalled_jobs [--now ISO]`: the ops twin of the periodic sweep that marks
running job runs without a heartbeat for ``JOB_STALL_AFTER_MINUTES`` failed."""


from django.core.management.base import BaseCommand

from portal.audit import acting_as
from portal.commands import now_option
from portal.job_runs import stalled_jobs_sweep


class Command(BaseCommand):
    help = (
        "Mark running job runs whose process went away (no heartbeat for "
        "JOB_STALL_AFTER_MINUTES) failed, so that they can be re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO date-time to act as now (default: now); without an offset, manufacturer time",
        )

    def handle(self, *args, now=None, **options):
        when = now_option(now)
        with acting_as("command:mark_stalled_jobs"):
            marked = stalled_jobs_sweep(now=when)
        self.stdout.write(self.style.SUCCESS(f"{marked} stalled runs marked failed"))
