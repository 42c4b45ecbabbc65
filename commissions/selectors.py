"""Reads of commissions data (scoped with ``visible_to``) and the month context statements,
bonuses and the what-if panel are computed from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from commissions import calculations as calc
from commissions.models import (
    CommissionPlan,
    CommissionStatement,
    PlanStep,
    PlanTierBonus,
    SaleLine,
    StatementComponent,
)
from dealers.models import Agreement, Dealer, Tier
from portal.batch import fetch_together
from portal.periods import Month

LIVE_AGREEMENT_STATES = ("active", "terminating", "ended")


def net_sales_by_dealer(
    *, start: dt.datetime, end: dt.datetime, dealer_ids=None
) -> dict[int, Decimal]:
    """Σ amount of the lines with start ≤ sold_at < end, per dealer (one aggregate query).
    Dealers without lines are absent."""
    qs = SaleLine.objects.filter(sold_at__gte=start, sold_at__lt=end)
    if dealer_ids is not None:
        qs = qs.filter(dealer_id__in=list(dealer_ids))
    rows = qs.values("dealer_id").annotate(net=Sum("amount")).order_by()
    return {row["dealer_id"]: calc.money(row["net"]) for row in rows}


def month_sales_by_dealer(
    *, month: Month, dealer_ids=None, counted_in=None
) -> dict[int, tuple[Decimal, int]]:
    """{dealer_id: (net sales, line count)} of a month in the manufacturer's zone
    (``counted_in``: only the lines that statement counted)."""
    start, end = month.bounds()
    qs = SaleLine.objects.filter(sold_at__gte=start, sold_at__lt=end)
    if counted_in is not None:
        qs = qs.filter(counted_in=counted_in)
    if dealer_ids is not None:
        qs = qs.filter(dealer_id__in=list(dealer_ids))
    rows = qs.values("dealer_id").annotate(net=Sum("amount"), n=Count("pk")).order_by()
    return {row["dealer_id"]: (calc.money(row["net"]), row["n"]) for row in rows}


def month_deal_sales_by_dealer(
    *, month: Month, dealer_ids=None, counted_in=None
) -> dict[int, calc.DealSales]:
    """{dealer_id: the month's Σ amount per deal} of the lines that name a deal (DOMAIN.md
    §12; ``counted_in``: only the lines that statement counted). One aggregate query;
    dealers without such lines are absent."""
    start, end = month.bounds()
    qs = SaleLine.objects.filter(sold_at__gte=start, sold_at__lt=end, deal__isnull=False)
    if counted_in is not None:
        qs = qs.filter(counted_in=counted_in)
    if dealer_ids is not None:
        qs = qs.filter(dealer_id__in=list(dealer_ids))
    rows = (
        qs.values("dealer_id", "deal__number")
        .annotate(amount=Sum("amount"))
        .order_by("dealer_id", "deal__number")
    )
    by_dealer: dict[int, list] = {}
    for row in rows:
        by_dealer.setdefault(row["dealer_id"], []).append((row["deal__number"], row["amount"]))
    return {dealer_id: calc.DealSales(tuple(deals)) for dealer_id, deals in by_dealer.items()}


@dataclass(frozen=True)
class MonthPlan:
    """Everything a month's arithmetic needs for one dealer."""

    dealer_id: int
    currency: str
    plan: CommissionPlan
    terms: calc.PlanTerms


def _plans_with_terms():
    return CommissionPlan.objects.prefetch_related(
        Prefetch("steps", queryset=PlanStep.objects.order_by("threshold")),
        Prefetch("tier_bonuses", queryset=PlanTierBonus.objects.select_related("tier")),
    )


class _PlanTerms:
    """The arithmetic's snapshot of plans, one per (plan, tier): from the plans, their
    steps (in threshold order) and their tier bonuses, read in three queries of tuples
    (``read``) or together with other reads (the what-if: ``whatif_reads``)."""

    def __init__(self, plans, steps, tier_bonuses):
        """``plans``: CommissionPlan objects; ``steps``: (plan_id, threshold, rate) by
        threshold; ``tier_bonuses``: (plan_id, tier code, rate)."""
        self.plans = {p.pk: p for p in plans}
        self.steps: dict[int, list[calc.Step]] = {pk: [] for pk in self.plans}
        for plan_id, threshold, rate in steps:
            self.steps[plan_id].append(calc.Step(threshold, rate))
        self.tier_rates = {(plan_id, code): rate for plan_id, code, rate in tier_bonuses}
        self._terms: dict[tuple[int, str], calc.PlanTerms] = {}

    @classmethod
    def read(cls, plan_ids) -> _PlanTerms:
        return cls(
            CommissionPlan.objects.filter(pk__in=plan_ids),
            PlanStep.objects.filter(plan_id__in=plan_ids)
            .order_by("threshold")
            .values_list("plan_id", "threshold", "rate"),
            PlanTierBonus.objects.filter(plan_id__in=plan_ids).values_list(
                "plan_id", "tier__code", "rate"
            ),
        )

    def terms(self, plan_id: int, tier_code: str) -> calc.PlanTerms:
        key = (plan_id, tier_code)
        if key not in self._terms:
            plan = self.plans[plan_id]
            self._terms[key] = calc.PlanTerms(
                base_rate=plan.base_rate,
                step_mode=plan.step_mode,
                steps=tuple(self.steps[plan_id]),
                tier_rate=self.tier_rates.get(key, Decimal("0")),
                tier_code=tier_code,
                plan_code=plan.code,
                deal_bonus_rate=plan.deal_bonus_rate,
            )
        return self._terms[key]


def _month_agreements(month: Month):
    """Agreements (not drafts) with a plan in effect during the month, by dealer and start
    (the one that started last gives the dealer's plan)."""
    return (
        Agreement.objects.filter(
            status__in=LIVE_AGREEMENT_STATES,
            commission_plan__isnull=False,
            starts_on__lte=month.last_day,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=month.first_day))
        .order_by("dealer_id", "starts_on", "pk")
    )


def month_plans(*, month: Month, dealer_ids=None, now=None) -> dict[int, MonthPlan]:
    """The plan of each dealer for a month: the agreement (not a draft) in effect during the
    month that started last gives it; the tier is the dealer's at the end of the month (from
    the dealer's history; the current tier for a month not yet over). Five queries, of
    tuples (no model objects but one per plan), whatever the number of dealers."""
    _start, end = month.bounds()
    agreements = _month_agreements(month)
    if dealer_ids is not None:
        agreements = agreements.filter(dealer_id__in=list(dealer_ids))
    columns = ["dealer_id", "commission_plan_id", "dealer__currency", "dealer__tier_id"]
    now = now or timezone.now()
    if end <= now:
        history = Dealer.history.model.objects.filter(
            id=OuterRef("dealer_id"), history_date__lt=end
        ).order_by("-history_date", "-history_id")
        agreements = agreements.annotate(tier_at_end=Subquery(history.values("tier_id")[:1]))
        columns.append("tier_at_end")
    chosen = {}
    for dealer_id, plan_id, currency, tier_id, *at_end in agreements.values_list(*columns):
        # the latest start wins; the tier at the end of the month, else the current one
        chosen[dealer_id] = (plan_id, currency, (at_end and at_end[0]) or tier_id)
    if not chosen:
        return {}
    tier_codes = dict(
        Tier.objects.filter(pk__in={t for _p, _c, t in chosen.values()}).values_list("pk", "code")
    )
    plans = _PlanTerms.read({plan_id for plan_id, _c, _t in chosen.values()})
    return {
        dealer_id: MonthPlan(
            dealer_id,
            currency,
            plans.plans[plan_id],
            plans.terms(plan_id, tier_codes.get(tier_id, "")),
        )
        for dealer_id, (plan_id, currency, tier_id) in chosen.items()
    }


def statement_list_visible_to(who):
    return CommissionStatement.objects.visible_to(who).select_related("dealer", "plan")


def statement_components(statement) -> list[StatementComponent]:
    return list(statement.components.select_related("sale_line").order_by("pk"))


def plan_list():
    return _plans_with_terms()


@dataclass(frozen=True)
class StatementGap:
    """Why this month's statement does not show the what-if panel's "commission so far":
    it was computed from the net sales of its last refresh (``net_sales``, at
    ``computed_at``; the live figure moves with every line reported since), and it also
    counts late lines of earlier months, adjustments and booked bonuses (``extras``)."""

    statement_id: int
    status: str
    total: Decimal
    net_sales: Decimal
    computed_at: object
    from_sales: Decimal
    extras: tuple[tuple[str, Decimal], ...]
    sales_moved: bool

    @property
    def differs(self) -> bool:
        return bool(self.extras) or self.sales_moved


@dataclass(frozen=True)
class DealerWhatIf:
    month: Month
    plan: CommissionPlan
    result: calc.WhatIf
    currency: str
    gap: StatementGap | None = None
    #: the amount the dealer tried (``?amount=``) and what it would do
    tried: calc.TriedAmount | None = None


SALES_KINDS = ("base", "step", "tier", "deal")


def _statement_gap(rows: list[dict], *, live_net: Decimal) -> StatementGap | None:
    """This month's statement (its components summed by kind: ``whatif_reads``) next to the
    live figure."""
    if not rows:
        return None
    first = rows[0]
    labels = dict(StatementComponent.Kind.choices)
    extras = tuple(
        (labels.get(row["kind"], row["kind"]), row["amount"])
        for row in rows
        if row["kind"] not in SALES_KINDS and row["amount"]
    )
    return StatementGap(
        statement_id=first["statement_id"],
        status=first["statement__status"],
        total=first["statement__total"],
        net_sales=first["statement__net_sales"],
        computed_at=first["statement__computed_at"],
        from_sales=sum(
            (row["amount"] for row in rows if row["kind"] in SALES_KINDS), Decimal("0.00")
        ),
        extras=extras,
        sales_moved=first["statement__net_sales"] != live_net,
    )


def whatif_reads(*, dealer, now=None) -> dict:
    """The querysets the what-if panel is computed from, unevaluated (a page may read them
    with its other panels': ``portal.batch.fetch_together``): the month's agreements with a
    plan, their plans, steps and tier bonuses, the month's sales by deal and this month's
    statement by component kind."""
    month = Month.current(now)
    agreements = _month_agreements(month).filter(dealer=dealer)
    plan_ids = agreements.values("commission_plan_id")
    start, end = month.bounds()
    return {
        "agreements": agreements,
        "plans": CommissionPlan.objects.filter(pk__in=plan_ids),
        "steps": PlanStep.objects.filter(plan__in=plan_ids)
        .order_by("threshold")
        .values("plan_id", "threshold", "rate"),
        "tier_bonuses": PlanTierBonus.objects.filter(plan__in=plan_ids).values(
            "plan_id", "tier__code", "rate"
        ),
        "month_sales": SaleLine.objects.filter(dealer=dealer, sold_at__gte=start, sold_at__lt=end)
        .values("deal__number")
        .annotate(amount=Sum("amount"))
        .order_by("deal__number"),
        "statement_kinds": StatementComponent.objects.filter(
            statement__dealer=dealer, statement__period=month.first_day
        )
        .values(
            "statement_id",
            "statement__status",
            "statement__total",
            "statement__net_sales",
            "statement__computed_at",
            "kind",
        )
        .annotate(amount=Sum("amount"))
        .order_by("kind"),
    }


def whatif_for_dealer(
    *, dealer, now=None, amount: Decimal | None = None, rows=None
) -> DealerWhatIf | None:
    """The dashboard's what-if panel (§6.5): month-to-date net sales, the step reached, what
    is missing to the next step and what it would add, and what selling ``amount`` more
    would add; None without a plan this month. The plan is the one of the agreement that
    started last (``month_plans``), the tier the dealer's current one (the month is not
    over). ``rows``: what ``whatif_reads`` gave, already read; else they are read here (one
    query, and the dealer's tier when not loaded)."""
    month = Month.current(now)
    if rows is None:
        rows = fetch_together(**whatif_reads(dealer=dealer, now=now))
    if not rows["agreements"]:
        return None
    agreement = rows["agreements"][-1]  # the latest start wins
    plans = _PlanTerms(
        rows["plans"],
        [(r["plan_id"], r["threshold"], r["rate"]) for r in rows["steps"]],
        [(r["plan_id"], r["tier__code"], r["rate"]) for r in rows["tier_bonuses"]],
    )
    plan = plans.plans[agreement.commission_plan_id]
    terms = plans.terms(plan.pk, dealer.tier.code)
    sales = rows["month_sales"]
    net = calc.money(sum((row["amount"] for row in sales), Decimal("0")))
    deals = calc.DealSales(
        tuple((row["deal__number"], row["amount"]) for row in sales if row["deal__number"])
    )
    return DealerWhatIf(
        month,
        plan,
        calc.what_if(net, terms, deals),
        dealer.currency,
        _statement_gap(rows["statement_kinds"], live_net=net),
        calc.what_if_amount(net, amount, terms, deals) if amount else None,
    )
