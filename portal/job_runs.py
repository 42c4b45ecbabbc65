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

While it runs, the handle writes the progress with a heartbeat (``JobRun.heartbeat_at``) at
most every ``RunHandle.WRITE_INTERVAL``. A process that is killed (SIGKILL, out of memory, a
lost worker) cannot record its failure: its run stops beating, shows as stalled in the admin
after ``JOB_STALL_AFTER_MINUTES``, and the periodic sweep (``stalled_jobs_sweep``, command
``mark_stalled_jobs``) marks it failed, so that it can be re-run like any failed run. A job
should therefore advance at least every few minutes (one unit of work well under the
threshold).
"""

from __future__ import annotations

import datetime as dt
import traceback
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal.audit import current_actor
from portal.clock import format_instant
from portal.crash_points import crash_point
from portal.discovery import app_modules
from portal.models import JobRun


class RunHandle:
    #: Progress (and with it the heartbeat) is written at most this often, so a job over
    #: many items makes a bounded number of writes; ``job_run`` writes the final state.
    WRITE_INTERVAL = dt.timedelta(seconds=5)

    def __init__(self, run: JobRun):
        self.run = run
        self._counts: dict[str, int] = {}
        self._written_at = run.heartbeat_at

    def _save(self, *, force: bool = False) -> None:
        # Inside an atomic block the write would stay invisible until the job's transaction
        # commits (and Django has one connection per thread), so progress is written only in
        # autocommit; the heartbeat rides along with it.
        if connection.in_atomic_block:
            return
        now = timezone.now()
        if not force and now - self._written_at < self.WRITE_INTERVAL:
            return
        JobRun.objects.filter(pk=self.run.pk).update(
            heartbeat_at=now,
            total=self.run.total,
            done=self.run.done,
            counts=self._counts,
            errors=self.run.errors,
        )
        self._written_at = self.run.heartbeat_at = now

    def set_total(self, total: int) -> None:
        self.run.total = total
        self._save(force=True)

    def advance(self, n: int = 1, **counts: int) -> None:
        self.run.done += n
        for key, value in counts.items():
            self._counts[key] = self._counts.get(key, 0) + value
        self._save()
        crash_point("job.advance")

    def count(self, **counts: int) -> None:
        self.advance(0, **counts)

    def error(self, message: str, **context) -> None:
        self.run.errors.append({"message": message, **context})
        self._save()

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
        heartbeat_at=timezone.now(),
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
    # The real outcome wins: a slow run that the sweep took for stalled, and that finishes
    # after all, records how it ended.
    now = timezone.now()
    JobRun.objects.filter(pk=run.pk).update(
        status=status,
        finished_at=now,
        heartbeat_at=now,
        done=handle.run.done,
        total=handle.run.total,
        counts=handle.counts,
        errors=handle.run.errors,
    )


#: job name → Celery task re-running it with the run's ``params`` as keyword arguments.
#: Apps declare theirs as ``RERUN_TASKS`` in their ``schedule.py`` (beside their beat
#: entries; found through settings.PROJECT_APPS), or call :func:`register_rerun_task`.
RERUN_TASKS: dict[str, str] = {}


def register_rerun_task(job_name: str, task_name: str) -> None:
    """Let the admin re-run a failed or stalled run of ``job_name`` through ``task_name``."""
    RERUN_TASKS[job_name] = task_name


def rerun_task_for(job_name: str) -> str | None:
    """The Celery task that re-runs ``job_name``: registered, or declared by an app."""
    if job_name in RERUN_TASKS:
        return RERUN_TASKS[job_name]
    for module in app_modules(settings.PROJECT_APPS, "schedule"):
        declared = getattr(module, "RERUN_TASKS", {})
        if job_name in declared:
            return declared[job_name]
    return None


def job_rerun(*, run: JobRun, now: dt.datetime | None = None) -> bool:
    """Queue a failed or stalled run again (after commit) with the same parameters; a
    stalled run is marked failed first. Safe because every job's service is idempotent.
    Returns False for runs that cannot be re-run here."""
    from celery import current_app

    task_name = rerun_task_for(run.job)
    if task_name is None or run.dry_run:
        return False
    with transaction.atomic():
        run = JobRun.objects.select_for_update().get(pk=run.pk)
        if run.is_stalled(now):
            _mark_stalled(run, now or timezone.now())
        elif run.status != JobRun.Status.FAILED:
            return False
        params = dict(run.params)
        transaction.on_commit(lambda: current_app.send_task(task_name, kwargs=params))
    return True


STALLED_MESSAGE = "stalled: no heartbeat since {since}"


def _mark_stalled(run: JobRun, now: dt.datetime) -> None:
    since = format_instant(run.heartbeat_at)
    run.status = JobRun.Status.FAILED
    run.finished_at = now
    run.errors = [*run.errors, {"message": STALLED_MESSAGE.format(since=since), "code": "stalled"}]
    run.save(update_fields=["status", "finished_at", "errors"])


@transaction.atomic
def jobs_mark_stalled(*, now: dt.datetime | None = None) -> list[JobRun]:
    """Mark every stalled run (running, no heartbeat for ``JOB_STALL_AFTER_MINUTES``: its
    process was killed) failed with a "stalled: no heartbeat since …" error, so the record
    is honest and the admin can re-run it. Returns the runs marked."""
    now = now or timezone.now()
    runs = list(JobRun.objects.stalled(now).select_for_update(skip_locked=True).order_by("pk"))
    for run in runs:
        _mark_stalled(run, now)
    return runs


def sweep_jobs() -> set[str]:
    """The jobs that run every few minutes (``SWEEP_JOBS`` in each app's ``schedule.py``):
    their succeeded runs are purged after ``JOB_RUNS_SWEEPS_KEPT_DAYS``."""
    names: set[str] = set()
    for module in app_modules(settings.PROJECT_APPS, "schedule"):
        names.update(getattr(module, "SWEEP_JOBS", ()))
    return names


#: at most this many rows deleted per sweep (the sweep runs every 5 minutes)
PURGE_BATCH = 5000


def sweep_runs_purge(*, now: dt.datetime | None = None) -> int:
    """Delete succeeded runs of the frequent sweeps that finished more than
    ``JOB_RUNS_SWEEPS_KEPT_DAYS`` ago (about 1,440 rows a day per every-minute sweep).
    Failed runs and the runs of every other job are kept. Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.JOB_RUNS_SWEEPS_KEPT_DAYS)
    ids = list(
        JobRun.objects.filter(
            job__in=sweep_jobs(), status=JobRun.Status.SUCCEEDED, finished_at__lt=cutoff
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:PURGE_BATCH]
    )
    deleted, _by_model = JobRun.objects.filter(pk__in=ids).delete()
    return deleted


def stalled_jobs_sweep(*, now: dt.datetime | None = None) -> int:
    """The periodic sweep (task ``portal.tasks.mark_stalled_jobs``, command
    ``mark_stalled_jobs``), itself recorded as a run: marks stalled runs failed and purges
    old runs of the frequent sweeps (`sweep_runs_purge`). Returns how many runs it marked."""
    now = now or timezone.now()
    with job_run("mark_stalled_jobs", params={"now": now.isoformat()}) as run:
        marked = jobs_mark_stalled(now=now)
        run.count(marked=len(marked), purged=sweep_runs_purge(now=now))
    return len(marked)
