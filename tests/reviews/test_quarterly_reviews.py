"""The quarterly job (DOMAIN.md §8): figures, idempotency, interrupted runs, dry runs."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from portal.models import JobRun
from portal.periods import Quarter
from reviews.models import QuarterlyReview, ReviewWeights
from reviews.services import QuarterlyRunIncomplete, quarterly_run
from reviews.services import quarterly as review_services
from tests.factories import AgreementFactory, DealerFactory
from tests.reviews.factories import sale

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: data is entered during Q3 2026; the job runs when Q4 2026 is over (beat: 1 January 02:00)
SETUP_AT = dt.datetime(2026, 9, 15, 10, 0, tzinfo=SHANGHAI)
AFTER_Q4 = dt.datetime(2027, 1, 1, 2, 0, tzinfo=SHANGHAI)
#: dealers without an agreement recorded here count from their ``active_since``
LONG_AGO = dt.date(2025, 1, 1)


@pytest.fixture(autouse=True)
def _clock(clock):
    clock.set(SETUP_AT)
    return clock


@pytest.fixture
def worked_example():
    """DOMAIN.md §6.4: Q4 2026 net sales 870,000 against a quarterly target of 800,000."""
    dealer = DealerFactory(code="DEMO-A")
    AgreementFactory(dealer=dealer, quarterly_target=Decimal("800000.00"))
    sale(dealer, "120000.00", dt.datetime(2026, 10, 3, 10))
    sale(dealer, "200000.00", dt.datetime(2026, 10, 20, 10))
    sale(dealer, "300000.00", dt.datetime(2026, 11, 5, 10))
    sale(dealer, "250000.00", dt.datetime(2026, 12, 31, 23, 30))  # Shanghai: still Q4
    sale(dealer, "999.00", dt.datetime(2027, 1, 1, 0, 0))  # Q1 2027: not counted
    sale(dealer, "500000.00", dt.datetime(2026, 8, 1, 12))  # Q3
    sale(dealer, "-100000.00", dt.datetime(2026, 9, 1, 12))  # a Q3 return
    return dealer


def test_quarter_bounds_are_in_manufacturer_time():
    start, end = Quarter.parse("2026Q4").bounds("Asia/Shanghai")
    assert start.isoformat() == "2026-10-01T00:00:00+08:00"
    assert end.isoformat() == "2027-01-01T00:00:00+08:00"


def test_run_computes_the_figures(worked_example, _clock):
    _clock.set(AFTER_Q4)
    counts = quarterly_run(quarter="2026Q4")
    assert counts == {"created": 1}
    review = QuarterlyReview.objects.get(dealer=worked_example, quarter="2026Q4")
    assert review.status == "draft"
    assert review.net_sales == Decimal("870000.00")
    assert review.previous_net_sales == Decimal("400000.00")
    assert review.target == Decimal("800000.00")
    assert review.attainment == Decimal("1.0875")
    assert review.growth == Decimal("1.1750")
    # No tickets and no warehouses: no compliance or freshness to speak of (None, not 0).
    assert review.sla_compliance is None and review.stock_freshness is None
    assert (review.tickets_raised, review.certified_staff) == (0, 0)
    assert review.outcomes["unavailable"] == []
    # Only attainment is known (capped at 100): overall = 100.00.
    assert review.overall_score == Decimal("100.00")
    run = JobRun.objects.get(job="quarterly_reviews")
    assert run.status == "succeeded"
    assert (run.total, run.done, run.counts) == (1, 1, {"created": 1})
    assert run.params == {"quarter": "2026Q4", "dealer": None}


def test_running_twice_refreshes_drafts_and_never_touches_final(worked_example, _clock):
    other = DealerFactory(code="DEMO-B", active_since=LONG_AGO)
    _clock.set(AFTER_Q4)
    quarterly_run(quarter="2026Q4")
    final = QuarterlyReview.objects.get(dealer=other)
    final.status, final.finalised_at = "final", dt.datetime(2027, 1, 5, tzinfo=dt.UTC)
    final.notes = "kept"
    final.save()
    sale(worked_example, "30000.00", dt.datetime(2026, 12, 1, 9))  # a late report
    sale(other, "5000.00", dt.datetime(2026, 12, 1, 9))

    counts = quarterly_run(quarter="2026Q4")

    assert counts == {"refreshed": 1, "final_untouched": 1}
    assert QuarterlyReview.objects.count() == 2
    draft = QuarterlyReview.objects.get(dealer=worked_example)
    assert draft.net_sales == Decimal("900000.00")
    final.refresh_from_db()
    assert (final.net_sales, final.notes, final.status) == (Decimal("0.00"), "kept", "final")


def test_interrupted_run_leaves_others_done_and_rerun_completes(monkeypatch, _clock):
    dealers = [DealerFactory(code=f"DEMO-{i}", active_since=LONG_AGO) for i in range(5)]
    for d in dealers:
        sale(d, "1000.00", dt.datetime(2026, 11, 1, 12))
    real = review_services.quarterly_review_dealer

    def flaky(*, dealer, **kwargs):
        if dealer.code == "DEMO-2":
            raise RuntimeError("database went away")
        return real(dealer=dealer, **kwargs)

    monkeypatch.setattr(review_services, "quarterly_review_dealer", flaky)
    _clock.set(AFTER_Q4)
    with pytest.raises(QuarterlyRunIncomplete):
        quarterly_run(quarter="2026Q4")
    assert set(QuarterlyReview.objects.values_list("dealer__code", flat=True)) == {
        "DEMO-0",
        "DEMO-1",
        "DEMO-3",
        "DEMO-4",
    }
    failed_run = JobRun.objects.get()
    assert failed_run.status == "failed"
    assert failed_run.counts == {"created": 4, "failed": 1}
    assert failed_run.errors[0]["dealer"] == "DEMO-2"

    monkeypatch.setattr(review_services, "quarterly_review_dealer", real)
    counts = quarterly_run(quarter="2026Q4")
    assert counts == {"created": 1, "refreshed": 4}
    assert QuarterlyReview.objects.count() == 5
    assert set(QuarterlyReview.objects.values_list("net_sales", flat=True)) == {Decimal("1000.00")}


def test_a_killed_run_is_completed_by_running_again(monkeypatch, _clock):
    """A hard stop (a killed worker) after two dealers: re-running does the rest once."""
    dealers = [DealerFactory(code=f"DEMO-{i}", active_since=LONG_AGO) for i in range(4)]
    real = review_services.quarterly_review_dealer

    def dies(*, dealer, **kwargs):
        if dealer.code == "DEMO-2":
            raise KeyboardInterrupt  # not an Exception: the run stops here
        return real(dealer=dealer, **kwargs)

    monkeypatch.setattr(review_services, "quarterly_review_dealer", dies)
    _clock.set(AFTER_Q4)
    with pytest.raises(KeyboardInterrupt):
        quarterly_run(quarter="2026Q4")
    assert QuarterlyReview.objects.count() == 2
    monkeypatch.setattr(review_services, "quarterly_review_dealer", real)
    assert quarterly_run(quarter="2026Q4") == {"created": 2, "refreshed": 2}
    assert sorted(QuarterlyReview.objects.values_list("dealer__code", flat=True)) == [
        d.code for d in dealers
    ]


def test_a_quarter_not_over_is_refused_before_anything_is_recorded(worked_example, _clock):
    """Q4 ends at midnight Shanghai time (16:00 UTC on 31 December): one minute before,
    the job refuses (no run, no review, no evaluation); once it has ended, it runs."""
    _clock.set(dt.datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI))
    with pytest.raises(CommandError, match="2026Q4 is not over yet"):
        call_command("run_quarterly_reviews", "--quarter", "2026Q4")
    with pytest.raises(ValueError, match="not over yet"):
        quarterly_run(quarter="2026Q4")
    assert not JobRun.objects.exists() and not QuarterlyReview.objects.exists()
    _clock.set(dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC))
    call_command("run_quarterly_reviews", "--quarter", "2026Q4")
    assert QuarterlyReview.objects.get().net_sales == Decimal("870000.00")


def test_dry_run_changes_nothing(worked_example, _clock):
    _clock.set(AFTER_Q4)
    assert quarterly_run(quarter="2026Q4", dry_run=True) == {"would_create": 1}
    assert not QuarterlyReview.objects.exists()
    assert JobRun.objects.get().dry_run is True


def test_dealers_terminated_before_the_quarter_are_skipped(_clock):
    DealerFactory(
        code="GONE",
        status="terminated",
        status_changed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        active_since=LONG_AGO,
    )
    DealerFactory(
        code="LEFT-IN-Q4",
        active_since=LONG_AGO,
        status="terminated",
        status_changed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    _clock.set(AFTER_Q4)
    quarterly_run(quarter="2026Q4")
    assert list(QuarterlyReview.objects.values_list("dealer__code", flat=True)) == ["LEFT-IN-Q4"]


def test_weights_shape_the_overall_score(worked_example, _clock):
    weights = ReviewWeights.current()
    _clock.set(AFTER_Q4)
    quarterly_run(quarter="2026Q4")
    review = QuarterlyReview.objects.get()
    from reviews.services import review_assess
    from tests.factories import StaffUserFactory

    staff = StaffUserFactory(is_superuser=True)
    review_assess(actor=staff, review=review, satisfaction_score=4, communication_score=3)
    review.refresh_from_db()
    # (40 × 100 + 15 × 80 + 15 × 60) ÷ 70 = 87.142… → 87.14
    assert review.overall_score == Decimal("87.14")
    weights.attainment = Decimal("0")
    weights.save()
    review_assess(actor=staff, review=review, notes="n")
    review.refresh_from_db()
    assert review.overall_score == Decimal("70.00")


def test_command_runs_one_dealer_and_validates_options(worked_example, capsys, _clock):
    DealerFactory(code="DEMO-B", active_since=LONG_AGO)
    _clock.set(AFTER_Q4)
    call_command("run_quarterly_reviews", "--quarter", "2026Q4", "--dealer", "DEMO-A")
    assert "2026Q4: created: 1" in capsys.readouterr().out
    assert list(QuarterlyReview.objects.values_list("dealer__code", flat=True)) == ["DEMO-A"]
    assert JobRun.objects.get().started_by == "command:run_quarterly_reviews"
    with pytest.raises(CommandError, match="2026Q4"):
        call_command("run_quarterly_reviews", "--quarter", "2026-4")
    with pytest.raises(CommandError, match="NOPE"):
        call_command("run_quarterly_reviews", "--quarter", "2026Q4", "--dealer", "NOPE")
    call_command("run_quarterly_reviews", "--quarter", "2026Q4", "--dry-run")
    assert "[dry run] 2026Q4: would_create: 1, would_refresh: 1" in capsys.readouterr().out


def test_command_exits_with_an_error_when_a_dealer_fails(monkeypatch, worked_example, _clock):
    def boom(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(review_services, "quarterly_review_dealer", boom)
    _clock.set(AFTER_Q4)
    with pytest.raises(CommandError, match="1 of 1 dealers failed: DEMO-A"):
        call_command("run_quarterly_reviews", "--quarter", "2026Q4")


def test_wired_providers_are_called_when_present(monkeypatch, worked_example, _clock):
    """At merge the other apps' functions take over; the job passes them the right inputs."""
    calls = {}

    def tier(**kwargs):
        calls["tier"] = kwargs
        return {"changed": False}

    def bonuses(**kwargs):
        calls["bonuses"] = kwargs
        return ["quarter"]

    monkeypatch.setattr(review_services, "review_tier_evaluate", tier)
    monkeypatch.setattr(review_services, "review_bonuses_book", bonuses)
    monkeypatch.setattr(
        review_services,
        "figure_sla_metrics",
        lambda **kw: {
            worked_example.pk: {
                "tickets_raised": 4,
                "resolved_within_target_share": Decimal("0.75"),
                "median_first_response_minutes": 30,
                "median_resolution_minutes": 600,
            }
        },
    )
    _clock.set(AFTER_Q4)
    quarterly_run(quarter="2026Q4")
    quarterly_run(quarter="2026Q4")
    review = QuarterlyReview.objects.get()
    assert calls["tier"]["trailing_sales"] == Decimal("1270000.00")
    assert calls["tier"]["quarter"] == "2026Q4"
    assert calls["tier"]["on_date"] == dt.date(2026, 12, 31)
    assert calls["bonuses"] == {"dealer": worked_example, "year": 2026, "quarter": 4}
    assert (review.tickets_raised, review.sla_compliance) == (4, Decimal("0.7500"))
    assert review.median_resolution_minutes == 600
    assert review.outcomes["bonuses"] == ["quarter"]
    # attainment 100 × 40 + SLA 75 × 20 → 5500 ÷ 60 = 91.67
    assert review.overall_score == Decimal("91.67")


def test_dealers_not_yet_active_in_the_quarter_are_skipped():
    DealerFactory(code="NEW")  # no agreement in force in the quarter, no active_since
    DealerFactory(code="LATER", active_since=dt.date(2026, 7, 1))
    AgreementFactory(dealer=DealerFactory(code="SIGNED-LATER"), starts_on=dt.date(2026, 7, 1))
    assert quarterly_run(quarter="2026Q2") == {}
    assert not QuarterlyReview.objects.exists()
