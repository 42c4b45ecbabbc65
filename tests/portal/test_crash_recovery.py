"""A worker killed (SIGKILL) in the middle of a statement run, a quarterly run and an
escalation sweep: running the job again completes it, and nothing is lost or doubled
(the data then equals what another full run leaves, and check_integrity passes).

The jobs run as their management commands in a subprocess against the test database;
``PORTAL_CRASH_AT`` (portal/crash_points.py) kills it after N items."""

import signal
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from commissions.models import CommissionStatement, StatementComponent
from conflicts.models import Escalation, Ticket
from dealers.models import Dealer
from portal.models import JobRun
from portal.periods import Month, Quarter
from reviews.models import QuarterlyReview
from tests.processes import ROOT, database_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(900)]


def run(*args, crash_at=None):
    env = database_env()
    env.pop("PORTAL_CRASH_AT", None)
    if crash_at:
        env["PORTAL_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


def killed(result):
    assert result.returncode == -signal.SIGKILL, (result.returncode, result.stderr[-2000:])


def ok(result):
    assert result.returncode == 0, result.stderr[-2000:]


def integrity_ok():
    out = StringIO()
    call_command("check_integrity", stdout=out, stderr=out)
    assert "Integrity OK" in out.getvalue()


def statements(month):
    return sorted(
        CommissionStatement.objects.filter(period=month.first_day).values_list(
            "dealer__code", "status", "total", "net_sales", "line_count"
        )
    )


def test_killed_jobs_complete_on_a_rerun_with_nothing_lost_or_doubled():
    call_command("seed_demo", stdout=StringIO())
    integrity_ok()

    # --- the statement run, killed after its second statement -------------------------
    month = Month.current()
    killed(run("run_commissions", "--period", str(month), crash_at="job.advance:2"))
    assert JobRun.objects.filter(job="run_commissions", status="running").exists()
    ok(run("run_commissions", "--period", str(month)))
    after_rerun = statements(month)
    components = StatementComponent.objects.count()
    ok(run("run_commissions", "--period", str(month)))
    assert statements(month) == after_rerun
    assert StatementComponent.objects.count() == components
    assert len(after_rerun) == len({code for code, *_ in after_rerun})
    integrity_ok()

    # --- the quarterly run, killed after its first dealer ------------------------------
    quarter = str(Quarter.current().previous())
    # the demo dealers were created just now; make them dealers of the past quarter too
    Dealer.objects.update(created_at=timezone.now() - timedelta(days=400))
    killed(run("run_quarterly_reviews", "--quarter", quarter, crash_at="job.advance:1"))
    ok(run("run_quarterly_reviews", "--quarter", quarter))
    reviews = sorted(
        QuarterlyReview.objects.filter(quarter=quarter).values_list("dealer__code", "status")
    )
    assert len(reviews) >= 2
    bonuses = StatementComponent.objects.filter(kind__in=StatementComponent.BONUS_KINDS).count()
    ok(run("run_quarterly_reviews", "--quarter", quarter))
    assert sorted(
        QuarterlyReview.objects.filter(quarter=quarter).values_list("dealer__code", "status")
    ) == reviews
    assert StatementComponent.objects.filter(kind__in=StatementComponent.BONUS_KINDS).count() == bonuses
    integrity_ok()

    # --- the escalation sweep, killed after its first ticket ---------------------------
    later = timezone.now() + timedelta(days=60)
    due = set(Ticket.objects.filter(next_escalation_at__lte=later).values_list("pk", flat=True))
    assert len(due) >= 2, "the demo needs several tickets due for this test"
    before = {t.pk: t.escalations.count() for t in Ticket.objects.all()}
    killed(run("escalate_tickets", "--now", later.isoformat(), crash_at="escalation.ticket:1"))
    assert Ticket.objects.filter(pk__in=due, next_escalation_at__lte=later).exists()
    ok(run("escalate_tickets", "--now", later.isoformat()))
    ok(run("escalate_tickets", "--now", later.isoformat()))
    assert not Ticket.objects.filter(next_escalation_at__lte=later).exists()
    after = {t.pk: t.escalations.count() for t in Ticket.objects.all()}
    assert after == {pk: n + (1 if pk in due else 0) for pk, n in before.items()}
    assert Escalation.objects.count() == sum(after.values())
    integrity_ok()
