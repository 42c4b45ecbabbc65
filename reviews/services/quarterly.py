"""Quarterly reviews (DOMAIN.md §8): the quarterly job and the review workflow.

``quarterly_run`` is the one service behind ``manage.py run_quarterly_reviews`` and the beat
task. For every dealer active in the quarter, each in its own transaction, it refreshes the
draft review's computed figures (a final review is never touched), runs the tier evaluation
(§4), books the threshold bonuses (§6.2) and accrues the marketing funds (§14). Every step
is idempotent, so a run that failed or was killed half-way is completed by running it
again, with nothing done twice.

The figures of other apps come through the small ``figure_*``/``review_*`` provider
functions below, each calling that app's selector or service (imported inside the function
to keep the apps' import graph acyclic).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commissions.models import StatementComponent
from commissions.selectors import net_sales_by_dealer as commissions_net_sales
from commissions.services import threshold_bonuses_book
from conflicts.selectors import sla_metrics_by_dealer
from dealers.models import Dealer, TierEvaluation
from dealers.selectors import certified_user_count, dealers_active_between
from dealers.selectors import quarterly_targets as dealer_quarterly_targets
from dealers.services import tier_evaluate
from inventory.selectors import stock_freshness_by_dealer
from mdf.services import fund_accrue
from portal.job_runs import job_run
from portal.periods import Quarter
from reviews import calculations as calc
from reviews.models import QuarterlyReview, ReviewWeights

logger = logging.getLogger(__name__)

JOB_NAME = "quarterly_reviews"
FIGURE_FIELDS = (
    "net_sales",
    "previous_net_sales",
    "target",
    "attainment",
    "growth",
    "sla_compliance",
    "median_first_response_minutes",
    "median_resolution_minutes",
    "tickets_raised",
    "stock_freshness",
    "certified_staff",
)


class QuarterlyRunIncomplete(Exception):
    """Some dealers failed; the others are done. Run the job again to complete the rest."""


# --- figure providers --------------------------------------------------------------------


def net_sales_by_dealer(*, start, end, dealer_ids) -> dict[int, Decimal]:
    """Net sales per dealer with start ≤ sold_at < end, zero for dealers without lines
    (commissions' selector: the same figure statements use)."""

    result = {pk: Decimal("0.00") for pk in dealer_ids}
    result.update(commissions_net_sales(start=start, end=end, dealer_ids=dealer_ids))
    return result


def quarterly_targets(*, dealer_ids, quarter: str | Quarter) -> dict[int, Decimal]:
    """The quarterly target of each dealer: dealers.selectors.quarterly_targets, the one
    definition threshold bonuses use too."""
    return dealer_quarterly_targets(dealer_ids=dealer_ids, quarter=quarter)


def figure_sla_metrics(*, start, end, dealer_ids) -> dict[int, dict] | None:
    """SLA metrics per dealer (§7.5). conflicts.selectors.sla_metrics_by_dealer."""

    return sla_metrics_by_dealer(start=start, end=end, dealer_ids=dealer_ids)


def figure_stock_freshness(*, dealer_ids, now) -> dict[int, Decimal | None] | None:
    """Share of warehouses synced in the last 7 days. inventory.selectors.stock_freshness_by_dealer."""

    return stock_freshness_by_dealer(dealer_ids=dealer_ids, now=now)


def figure_certified_staff(*, dealer, on_date) -> int | None:
    """Dealer users with a valid certification. dealers.selectors.certified_user_count."""

    return certified_user_count(dealer=dealer, on_date=on_date, min_rank=0)


def review_tier_evaluate(*, dealer, quarter, trailing_sales, score, on_date) -> dict | None:
    """The tier evaluation of §4 (idempotent per dealer and period):
    dealers.services.tier_evaluate. Returns the quarter's evaluation for ``review.outcomes``
    — what it decided, whichever run made it (a re-run reports the same)."""

    tier_evaluate(
        dealer=dealer, period=quarter, trailing_sales=trailing_sales, score=score, on_date=on_date
    )
    evaluation = (
        TierEvaluation.objects.filter(dealer=dealer, period=quarter)
        .select_related("tier_before", "tier_after", "eligible_tier")
        .first()
    )
    if evaluation is None:
        return {"changed": False}
    return {
        "outcome": evaluation.outcome,
        "changed": evaluation.tier_after_id != evaluation.tier_before_id,
        "from": evaluation.tier_before.code,
        "to": evaluation.tier_after.code,
        "eligible": evaluation.eligible_tier.code,
    }


def review_bonuses_book(*, dealer, year: int, quarter: int) -> list | None:
    """Quarter (and, for Q4, annual) bonuses of §6.2, booked exactly once per (dealer,
    period, kind): commissions.services.threshold_bonuses_book. Returns the bonuses of these
    periods for ``review.outcomes`` — booked by this run or an earlier one."""

    threshold_bonuses_book(dealer=dealer, year=year, quarter=quarter)
    periods = [str(Quarter(year, quarter))] + ([str(year)] if quarter == 4 else [])
    rows = (
        StatementComponent.objects.filter(dealer=dealer, bonus_period__in=periods)
        .select_related("statement")
        .order_by("pk")
    )
    return [
        {
            "kind": row.kind,
            "period": row.bonus_period,
            "amount": str(row.amount),
            "statement": row.statement.period_label,
        }
        for row in rows
    ]


def review_mdf_accrue(*, dealer, quarter: str, net_sales) -> dict | None:
    """The marketing-fund accrual of §14 (mdf_rate × the quarter's net sales), exactly once
    per (dealer, quarter): mdf.services.fund_accrue."""

    return fund_accrue(dealer=dealer, quarter=quarter, net_sales=net_sales)


# --- the quarterly job --------------------------------------------------------------------


def dealers_for_quarter(*, quarter: str | Quarter, dealer: Dealer | None = None):
    """Dealers active in the quarter: by their agreements' dates or the ``active_since`` of
    an imported dealer (dealers.selectors.dealers_active_between), not by when the row was
    created — so a manufacturer that imports its dealers and their history gets reviews and
    bonuses for past quarters — and not terminated before it began."""
    period = Quarter.parse(quarter)
    start, _end = period.bounds()
    qs = dealers_active_between(first_day=period.first_day, last_day=period.last_day).exclude(
        Q(status=Dealer.Status.TERMINATED)
        & (Q(status_changed_at__isnull=True) | Q(status_changed_at__lt=start))
    )
    if dealer is not None:
        qs = qs.filter(pk=dealer.pk)
    return qs.select_related("tier", "region").order_by("pk")


def quarter_figures(*, quarter: str | Quarter, dealer_ids: list[int], now=None) -> dict[int, dict]:
    """The computed figures of every dealer for the quarter, with set-based queries."""
    period = Quarter.parse(quarter)
    start, end = period.bounds()
    prev_start = period.previous().bounds()[0]
    trailing_start = (period - 3).bounds()[0]
    now = now or timezone.now()
    net = net_sales_by_dealer(start=start, end=end, dealer_ids=dealer_ids)
    previous = net_sales_by_dealer(start=prev_start, end=start, dealer_ids=dealer_ids)
    trailing = net_sales_by_dealer(start=trailing_start, end=end, dealer_ids=dealer_ids)
    targets = quarterly_targets(dealer_ids=dealer_ids, quarter=quarter)
    sla = figure_sla_metrics(start=start, end=end, dealer_ids=dealer_ids)
    # Freshness as of the quarter's end: a later re-run (a failed run completed in
    # February) must not judge Q4 by the warehouses' state in February.
    freshness = figure_stock_freshness(dealer_ids=dealer_ids, now=min(now, end))
    figures = {}
    for pk in dealer_ids:
        unavailable = []
        metrics = (sla or {}).get(pk, {}) if sla is not None else {}
        if sla is None:
            unavailable += ["sla_compliance", "median_times", "tickets_raised"]
        if freshness is None:
            unavailable.append("stock_freshness")
        target = targets.get(pk)
        figures[pk] = {
            "net_sales": net[pk],
            "previous_net_sales": previous[pk],
            "trailing_sales": trailing[pk],
            "target": target,
            "attainment": calc.attainment(net[pk], target),
            "growth": calc.growth(net[pk], previous[pk]),
            "sla_compliance": metrics.get("resolved_within_target_share"),
            "median_first_response_minutes": _minutes(metrics.get("median_first_response_minutes")),
            "median_resolution_minutes": _minutes(metrics.get("median_resolution_minutes")),
            "tickets_raised": metrics.get("tickets_raised", 0 if sla is not None else None),
            "stock_freshness": (freshness or {}).get(pk),
            "unavailable": unavailable,
        }
    return figures


def _minutes(value) -> int | None:
    return None if value is None else round(value)


def quarterly_review_dealer(
    *, dealer: Dealer, quarter: str, figures: dict, weights: ReviewWeights, dry_run: bool = False
) -> str:
    """One dealer's unit of the quarterly job (call inside a transaction). Returns the
    outcome: ``created``, ``refreshed`` or ``final_untouched`` (``would_*`` on a dry run)."""
    period = Quarter.parse(quarter)
    quarter, on_date = str(period), period.last_day
    existing = QuarterlyReview.objects.filter(dealer=dealer, quarter=quarter).first()
    if dry_run:
        if existing is None:
            return "would_create"
        return "final_untouched" if existing.is_final else "would_refresh"
    certified = figure_certified_staff(dealer=dealer, on_date=on_date)
    review, created = QuarterlyReview.objects.get_or_create(dealer=dealer, quarter=quarter)
    review = QuarterlyReview.objects.select_for_update().get(pk=review.pk)
    outcome = "created" if created else "refreshed"
    if review.is_final:
        outcome = "final_untouched"
    else:
        for field in FIGURE_FIELDS:
            if field != "certified_staff":
                setattr(review, field, figures[field])
        review.certified_staff = certified
        review.overall_score = calc.review_score(review, weights)
        review.computed_at = timezone.now()
    # The tier evaluation and the bonuses run whatever the review's state: both are
    # idempotent per (dealer, period), so repeated runs change nothing more.
    tier = review_tier_evaluate(
        dealer=dealer,
        quarter=quarter,
        trailing_sales=figures["trailing_sales"],
        score=review.overall_score,
        on_date=on_date,
    )
    bonuses = review_bonuses_book(dealer=dealer, year=period.year, quarter=period.quarter)
    mdf = review_mdf_accrue(dealer=dealer, quarter=quarter, net_sales=figures["net_sales"])
    if not review.is_final:
        unavailable = list(figures["unavailable"])
        if certified is None:
            unavailable.append("certified_staff")
        review.outcomes = {
            "tier_evaluation": tier,
            "bonuses": bonuses,
            "mdf_accrual": mdf,
            "unavailable": unavailable
            + (["tier_evaluation"] if tier is None else [])
            + (["bonuses"] if bonuses is None else []),
        }
        review.save()
    return outcome


def quarter_check_over(quarter: str | Quarter, now: dt.datetime | None = None) -> Quarter:
    """The quarter, if well formed and over (manufacturer time); ValueError otherwise: its
    figures, tier evaluation and bonuses are final only once it has ended."""
    period = Quarter.parse(quarter)
    _start, end = period.bounds()
    if end > (now or timezone.now()):
        raise ValueError(
            f"{period} is not over yet (it ends {end.isoformat()}); "
            "review a quarter once it has ended"
        )
    return period


def quarterly_run(*, quarter: str, dealer: Dealer | None = None, dry_run: bool = False) -> dict:
    """Run the quarterly job for ``quarter`` (e.g. "2026Q4"), for every dealer active in it
    or only ``dealer``. Recorded as a ``quarterly_reviews`` job run with progress.

    Each dealer is one transaction: a dealer that fails is recorded in the run's errors
    and the others still complete; the run then ends as failed (``QuarterlyRunIncomplete``)
    and running it again completes the rest. Returns the outcome counts."""
    quarter = str(quarter_check_over(quarter))  # ValueError early, before a run is recorded
    params = {"quarter": quarter, "dealer": dealer.code if dealer else None}
    with job_run(JOB_NAME, params=params, dry_run=dry_run) as run:
        dealers = list(dealers_for_quarter(quarter=quarter, dealer=dealer))
        run.set_total(len(dealers))
        figures = quarter_figures(quarter=quarter, dealer_ids=[d.pk for d in dealers])
        weights = ReviewWeights.current()
        failed = []
        for each in dealers:
            try:
                with transaction.atomic():
                    outcome = quarterly_review_dealer(
                        dealer=each,
                        quarter=quarter,
                        figures=figures[each.pk],
                        weights=weights,
                        dry_run=dry_run,
                    )
            except Exception as exc:
                logger.exception("quarterly review failed for %s", each.code)
                run.error(f"{exc.__class__.__name__}: {exc}", dealer=each.code)
                run.advance(failed=1)
                failed.append(each.code)
                continue
            run.advance(**{outcome: 1})
        if failed:
            raise QuarterlyRunIncomplete(
                f"{len(failed)} of {len(dealers)} dealers failed: {', '.join(failed)}; "
                "run the job again to complete them"
            )
        return run.counts
