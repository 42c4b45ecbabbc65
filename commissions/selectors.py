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

    dealer: object
    agreement: object
    plan: CommissionPlan
    terms: calc.PlanTerms


def _plans_with_terms():
    return CommissionPlan.objects.prefetch_related(
        Prefetch("steps", queryset=PlanStep.objects.order_by("threshold")),
        Prefetch("tier_bonuses", queryset=PlanTierBonus.objects.select_related("tier")),
    )


def plan_terms(
    plan: CommissionPlan, tier_code: str, *, steps=None, tier_bonuses=None
) -> calc.PlanTerms:
    """The arithmetic's snapshot of ``plan`` for a dealer of ``tier_code`` (uses prefetches;
    or the plan's ``steps`` by threshold and ``tier_bonuses`` with their tiers, when read
    already)."""
    steps = plan.steps.all() if steps is None else steps
    tier_bonuses = plan.tier_bonuses.all() if tier_bonuses is None else tier_bonuses
    tier_rate = Decimal("0")
    for bonus in tier_bonuses:
        if bonus.tier.code == tier_code:
            tier_rate = bonus.rate
    return calc.PlanTerms(
        base_rate=plan.base_rate,
        step_mode=plan.step_mode,
        steps=tuple(calc.Step(s.threshold, s.rate) for s in steps),
        tier_rate=tier_rate,
        tier_code=tier_code,
        plan_code=plan.code,
        deal_bonus_rate=plan.deal_bonus_rate,
    )


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
    the dealer's history; the current tier for a month not yet over). A constant number of
    queries, whatever the number of dealers."""
    _start, end = month.bounds()
    agreements = _month_agreements(month)
    if dealer_ids is not None:
        agreements = agreements.filter(dealer_id__in=list(dealer_ids))
    chosen = {}
    for agreement in agreements:
        chosen[agreement.dealer_id] = agreement  # the latest start wins
    if not chosen:
        return {}
    dealers = Dealer.objects.filter(pk__in=chosen).select_related("tier")
    now = now or timezone.now()
    if end <= now:
        history = Dealer.history.model.objects.filter(
            id=OuterRef("pk"), history_date__lt=end
        ).order_by("-history_date", "-history_id")
        dealers = dealers.annotate(tier_at_end=Subquery(history.values("tier_id")[:1]))
    dealers = list(dealers)
    tier_ids = {getattr(d, "tier_at_end", None) or d.tier_id for d in dealers}
    tier_codes = dict(Tier.objects.filter(pk__in=tier_ids).values_list("pk", "code"))
    plans = {
        p.pk: p
        for p in _plans_with_terms().filter(pk__in={a.commission_plan_id for a in chosen.values()})
    }
    result = {}
    for dealer in dealers:
        agreement = chosen[dealer.pk]
        plan = plans[agreement.commission_plan_id]
        tier_code = tier_codes.get(getattr(dealer, "tier_at_end", None) or dealer.tier_id, "")
        result[dealer.pk] = MonthPlan(dealer, agreement, plan, plan_terms(plan, tier_code))
    return result


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
        "steps": PlanStep.objects.filter(plan__in=plan_ids).order_by("plan_id", "threshold"),
        "tier_bonuses": PlanTierBonus.objects.filter(plan__in=plan_ids).select_related("tier"),
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
    plan = next(p for p in rows["plans"] if p.pk == agreement.commission_plan_id)
    terms = plan_terms(
        plan,
        dealer.tier.code,
        steps=[step for step in rows["steps"] if step.plan_id == plan.pk],
        tier_bonuses=[bonus for bonus in rows["tier_bonuses"] if bonus.plan_id == plan.pk],
    )
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
