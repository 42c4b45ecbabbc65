"""Job runs: every batch job records a :class:`~portal.models.JobRun` (who started it,
status, progress, counts, errors) visible in the admin while it runs.

    with job_run("run_commissions", params={"period": "2026-10"}, dry_run=False) as run:
        run.set_total(len(dealer_ids))
        for dealer_id in dealer_ids:
            ...
            run.advance(created=1)

Use it outside any transaction, with each unit of work (a dealer, a ticket) in its own
``transaction.atomic()``: progress then stays visible while the job runs, and a failed run
is recorded as failed while the units already done stay done. Re-running a failed job is
safe because every job's services are idempotent.
"""

from __future__ import annotations

import traceback
from contextlib import contextmanager

from django.db import connection
from django.db.models import F
from django.utils import timezone

from portal.audit import current_actor
from portal.models import JobRun


class RunHandle:
    def __init__(self, run: JobRun):
        self.run = run
        self._counts: dict[str, int] = {}

    def _save(self, **fields):
        # Written through a separate connection when inside an atomic block would hide it;
        # Django has one connection per thread, so we write in autocommit when we can.
        JobRun.objects.filter(pk=self.run.pk).update(**fields)

    def set_total(self, total: int) -> None:
        self.run.total = total
        if not connection.in_atomic_block:
            self._save(total=total)

    def advance(self, n: int = 1, **counts: int) -> None:
        self.run.done += n
        for key, value in counts.items():
            self._counts[key] = self._counts.get(key, 0) + value
        if not connection.in_atomic_block:
            self._save(done=F("done") + n, counts=self._counts)

    def count(self, **counts: int) -> None:
        self.advance(0, **counts)

    def error(self, message: str, **context) -> None:
        self.run.errors.append({"message": message, **context})
        if not connection.in_atomic_block:
            self._save(errors=self.run.errors)

    @property
    def counts(self) -> dict[str, int]:
        return dict(self._counts)


@contextmanager
def job_run(
    job: str, *, params: dict | None = None, dry_run: bool = False, started_by: str | None = None
):
    actor = current_actor()
    run = JobRun.objects.create(
        job=job,
        params=params or {},
        dry_run=dry_run,
        started_by=started_by or (actor.label if actor else "system"),
    )
    handle = RunHandle(run)
    try:
        yield handle
    except Exception as exc:
        handle.run.errors.append(
            {
                "message": f"{exc.__class__.__name__}: {exc}",
                "traceback": traceback.format_exc()[-4000:],
            }
        )
        _finish(run, JobRun.Status.FAILED, handle)
        raise
    else:
        _finish(run, JobRun.Status.SUCCEEDED, handle)


def _finish(run: JobRun, status: str, handle: RunHandle) -> None:
    def write():
        JobRun.objects.filter(pk=run.pk).update(
            status=status,
            finished_at=timezone.now(),
            done=handle.run.done,
            total=handle.run.total,
            counts=handle.counts,
            errors=handle.run.errors,
        )

    write()


#: job name → Celery task re-running it with the run's ``params`` as keyword arguments.
#: Apps add their jobs here (at merge: statements, bonuses, escalation sweeps, stock alerts).
RERUN_TASKS = {
    "quarterly_reviews": "portal.tasks.quarterly_reviews",
    "action_item_reminders": "portal.tasks.action_item_reminders",
}


def job_rerun(*, run: JobRun) -> bool:
    """Queue a failed run again (after commit) with the same parameters. Safe because every
    job's service is idempotent. Returns False for runs that cannot be re-run here."""
    from celery import current_app
    from django.db import transaction

    task_name = RERUN_TASKS.get(run.job)
    if task_name is None or run.status != JobRun.Status.FAILED or run.dry_run:
        return False
    params = dict(run.params)
    transaction.on_commit(lambda: current_app.send_task(task_name, kwargs=params))
    return True
