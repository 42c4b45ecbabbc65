"""Job runs: heartbeat, stalled runs (a killed process), the sweep and re-running them."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.job_runs import RunHandle, job_rerun, job_run, jobs_mark_stalled
from portal.models import JobRun

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def running(job="quarterly_reviews", *, heartbeat, **fields):
    return JobRun.objects.create(
        job=job,
        params={"quarter": "2026Q3", "dealer": None},
        started_by="task:portal.tasks.quarterly_reviews",
        heartbeat_at=heartbeat,
        total=10,
        done=3,
        counts={"created": 3},
        **fields,
    )


@pytest.fixture
def sent(monkeypatch):
    from celery import current_app

    calls = []
    monkeypatch.setattr(current_app, "send_task", lambda name, kwargs: calls.append((name, kwargs)))
    return calls


@pytest.mark.django_db
def test_the_sweep_marks_a_killed_run_failed_and_leaves_healthy_ones_alone():
    killed = running(heartbeat=NOW - dt.timedelta(minutes=31))
    healthy = running(heartbeat=NOW - dt.timedelta(minutes=29))
    done = running(heartbeat=NOW - dt.timedelta(hours=5), status="succeeded")

    call_command("mark_stalled_jobs", "--now", NOW.isoformat())

    killed.refresh_from_db()
    assert killed.status == "failed"
    assert killed.finished_at == NOW
    assert killed.errors == [
        {"message": "stalled: no heartbeat since 2026-11-23 19:29 (UTC+8)", "code": "stalled"}
    ]
    # The progress it made before it died stays on the record.
    assert (killed.done, killed.total, killed.counts) == (3, 10, {"created": 3})
    for untouched, status in ((healthy, "running"), (done, "succeeded")):
        before = untouched.heartbeat_at
        untouched.refresh_from_db()
        assert (untouched.status, untouched.finished_at, untouched.errors) == (status, None, [])
        assert untouched.heartbeat_at == before
    sweep = JobRun.objects.get(job="mark_stalled_jobs")
    assert sweep.status == "succeeded"
    assert sweep.counts == {"marked": 1, "purged": 0}
    assert sweep.started_by == "command:mark_stalled_jobs"
    assert sweep.params == {"now": NOW.isoformat()}

    # Once marked, the next sweep does not mark it again (the healthy one is 30 min old).
    assert jobs_mark_stalled(now=NOW + dt.timedelta(minutes=1)) == []


@pytest.mark.django_db
def test_the_threshold_is_a_setting(settings):
    settings.JOB_STALL_AFTER_MINUTES = 10
    run = running(heartbeat=NOW - dt.timedelta(minutes=11))
    fresh = running(heartbeat=NOW - dt.timedelta(minutes=9))
    assert run.is_stalled(NOW) and not fresh.is_stalled(NOW)
    assert [r.pk for r in jobs_mark_stalled(now=NOW)] == [run.pk]


@pytest.mark.django_db
def test_a_swept_run_is_rerun_from_the_admin(
    client, staff_user, sent, django_capture_on_commit_callbacks
):
    killed = running(heartbeat=NOW - dt.timedelta(hours=1))
    jobs_mark_stalled(now=NOW)
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:portal_jobrun_changelist"),
            {"action": "rerun", "_selected_action": [killed.pk]},
            follow=True,
        )
    assert "1 runs queued again; 0 skipped" in response.content.decode()
    assert sent == [("reviews.tasks.quarterly_reviews", {"quarter": "2026Q3", "dealer": None})]


@pytest.mark.django_db
def test_the_admin_shows_stalled_runs_and_reruns_them_before_the_sweep(
    client, staff_user, sent, django_capture_on_commit_callbacks
):
    stalled = running(heartbeat=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    healthy = running(heartbeat=dt.datetime.now(dt.UTC))
    client.force_login(staff_user)
    url = reverse("admin:portal_jobrun_changelist")

    page = client.get(url, {"state": "stalled"}).content.decode()
    assert f"/{stalled.pk}/change/" in page and f"/{healthy.pk}/change/" not in page
    assert "<strong title=" in page and ">stalled</strong>" in page
    page = client.get(url, {"state": "running"}).content.decode()
    assert f"/{healthy.pk}/change/" in page and f"/{stalled.pk}/change/" not in page
    page = client.get(reverse("admin:portal_jobrun_change", args=[stalled.pk])).content.decode()
    assert ">stalled</strong>" in page and 'http-equiv="refresh"' not in page
    page = client.get(reverse("admin:portal_jobrun_change", args=[healthy.pk])).content.decode()
    assert 'http-equiv="refresh"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "rerun", "_selected_action": [stalled.pk, healthy.pk]}, follow=True
        )
    assert "1 runs queued again; 1 skipped" in response.content.decode()
    assert sent == [("reviews.tasks.quarterly_reviews", {"quarter": "2026Q3", "dealer": None})]
    stalled.refresh_from_db()
    healthy.refresh_from_db()
    # The re-run stalled run is recorded as failed (honestly), the healthy one untouched.
    assert stalled.status == "failed" and stalled.errors[0]["code"] == "stalled"
    assert stalled.errors[0]["message"] == "stalled: no heartbeat since 2020-01-01 08:00 (UTC+8)"
    assert (healthy.status, healthy.errors) == ("running", [])


@pytest.mark.django_db
def test_dry_runs_and_unknown_jobs_are_not_rerun(sent):
    dry = running(heartbeat=NOW - dt.timedelta(hours=1), dry_run=True)
    other = running("something_else", heartbeat=NOW - dt.timedelta(hours=1))
    assert not job_rerun(run=dry, now=NOW) and not job_rerun(run=other, now=NOW)
    assert JobRun.objects.filter(status="running").count() == 2


class FakeClock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock(NOW)
    monkeypatch.setattr("portal.job_runs.timezone.now", fake)
    return fake


def run_job(items, clock, step):
    with job_run("test_job") as run:
        run.set_total(items)
        for _ in range(items):
            clock.now += step
            run.advance(created=1)
    return JobRun.objects.get(job="test_job")


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_adds_no_per_item_queries(clock):
    # Items done faster than the write interval: create, total, finish; nothing per item.
    counts = {}
    for items in (3, 300):
        JobRun.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            run = run_job(items, clock, dt.timedelta(milliseconds=10))  # 3 s at most
        writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE"))]
        assert len(writes) == 3
        counts[items] = len(queries)
        assert (run.status, run.done, run.total) == ("succeeded", items, items)
        assert run.counts == {"created": items}
    assert counts[3] == counts[300]


@pytest.mark.django_db(transaction=True)
def test_progress_and_heartbeat_are_written_at_most_every_interval(clock):
    seen = []

    with job_run("test_job") as run:
        run.set_total(20)
        for _ in range(20):
            clock.now += dt.timedelta(seconds=1)
            run.advance(created=1)
            row = JobRun.objects.get(pk=run.run.pk)
            seen.append((row.done, row.heartbeat_at))
    # Written with each 5 s, the progress and the heartbeat together, outside the job's
    # units of work (visible to the admin while it runs).
    interval = RunHandle.WRITE_INTERVAL.total_seconds()
    assert interval == 5
    assert seen[4] == (5, NOW + dt.timedelta(seconds=5))
    assert seen[8] == (5, NOW + dt.timedelta(seconds=5))
    assert seen[9] == (10, NOW + dt.timedelta(seconds=10))
    assert len({beat for _done, beat in seen}) == 5  # the start, then 5, 10, 15, 20 s
    final = JobRun.objects.get(job="test_job")
    assert (final.status, final.done, final.heartbeat_at) == ("succeeded", 20, final.finished_at)


@pytest.mark.django_db(transaction=True)
def test_a_killed_job_stops_beating_and_is_swept(clock):
    # The process dies between items: the context manager never records the end.
    handle = job_run("quarterly_reviews", params={"quarter": "2026Q3"})
    run = handle.__enter__()
    run.set_total(10)
    for _ in range(3):
        clock.now += dt.timedelta(seconds=10)
        run.advance(created=1)
    row = JobRun.objects.get(pk=run.run.pk)
    assert (row.status, row.done, row.heartbeat_at) == (
        "running",
        3,
        NOW + dt.timedelta(seconds=30),
    )
    assert jobs_mark_stalled(now=NOW + dt.timedelta(minutes=30)) == []
    [marked] = jobs_mark_stalled(now=NOW + dt.timedelta(minutes=31))
    assert marked.pk == row.pk
    row.refresh_from_db()
    assert row.status == "failed" and row.done == 3
    assert row.errors == [
        {"message": "stalled: no heartbeat since 2026-11-23 20:00 (UTC+8)", "code": "stalled"}
    ]


def test_the_sweep_is_scheduled(settings, monkeypatch):
    from portal import tasks

    assert settings.CELERY_BEAT_SCHEDULE["portal-mark-stalled-jobs"]["task"] == (
        "portal.tasks.mark_stalled_jobs"
    )
    monkeypatch.setattr("portal.job_runs.stalled_jobs_sweep", lambda: 2)
    assert tasks.mark_stalled_jobs() == 2


@pytest.mark.django_db
def test_the_sweep_purges_old_succeeded_runs_of_frequent_sweeps_only(settings):
    settings.JOB_RUNS_SWEEPS_KEPT_DAYS = 14
    old, recent = NOW - dt.timedelta(days=15), NOW - dt.timedelta(days=13)

    def finished(job, at, status="succeeded"):
        return JobRun.objects.create(
            job=job, started_by="beat", status=status, heartbeat_at=at, finished_at=at
        )

    purged = [finished("dispatch_events", old), finished("deliver_webhooks", old)]
    purged.append(finished("escalate_tickets", old))
    kept = [
        finished("dispatch_events", recent),
        finished("dispatch_events", old, status="failed"),
        finished("run_commissions", old),
        finished("quarterly_reviews", old - dt.timedelta(days=400)),
    ]

    call_command("mark_stalled_jobs", "--now", NOW.isoformat())

    assert not JobRun.objects.filter(pk__in=[r.pk for r in purged]).exists()
    assert JobRun.objects.filter(pk__in=[r.pk for r in kept]).count() == len(kept)
    sweep = JobRun.objects.get(job="mark_stalled_jobs")
    assert sweep.counts == {"marked": 0, "purged": 3}
