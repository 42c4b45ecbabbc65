"""The statement run as it was before issue 13 B3 (main at e4263d7), frozen here as the
oracle of ``test_statement_run_reference.py``: the run that replaced it must write the same
statements, components (derivations to the byte), rollup rows, history and job runs.

Only the parts B3 rewrote are copied (the plans' selector, the month's rollup rebuild, the
late lines' read, the chunk's refresh, and the month's arithmetic in
``reference_calculations.py``); the deals' read is the one on main. Not a test module: nothing here is collected."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from commissions import calculations as calc
from commissions import selectors
from commissions.models import (
    CommissionPlan,
    CommissionStatement,
    PlanStep,
    PlanTierBonus,
    SaleLine,
    SalesMonth,
    StatementComponent,
)
from commissions.services.statements import BuildOutcome
from dealers.models import Agreement, Dealer, Tier
from portal.audit import history_attrs
from portal.clock import manufacturer_zone
from portal.periods import Month
from tests.commissions import reference_calculations as arithmetic


@dataclass(frozen=True)
class MonthPlan:
    dealer: object
    agreement: object
    plan: CommissionPlan
    terms: calc.PlanTerms


def _plan_terms(plan, tier_code):
    tier_rate = Decimal("0")
    for bonus in plan.tier_bonuses.all():
        if bonus.tier.code == tier_code:
            tier_rate = bonus.rate
    return calc.PlanTerms(
        base_rate=plan.base_rate,
        step_mode=plan.step_mode,
        steps=tuple(calc.Step(s.threshold, s.rate) for s in plan.steps.all()),
        tier_rate=tier_rate,
        tier_code=tier_code,
        plan_code=plan.code,
        deal_bonus_rate=plan.deal_bonus_rate,
    )


def month_plans(*, month: Month, dealer_ids=None, now=None) -> dict[int, MonthPlan]:
    _start, end = month.bounds()
    agreements = (
        Agreement.objects.filter(
            status__in=("active", "terminating", "ended"),
            commission_plan__isnull=False,
            starts_on__lte=month.last_day,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=month.first_day))
        .order_by("dealer_id", "starts_on", "pk")
    )
    if dealer_ids is not None:
        agreements = agreements.filter(dealer_id__in=list(dealer_ids))
    chosen = {}
    for agreement in agreements:
        chosen[agreement.dealer_id] = agreement
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
        for p in CommissionPlan.objects.prefetch_related(
            Prefetch("steps", queryset=PlanStep.objects.order_by("threshold")),
            Prefetch("tier_bonuses", queryset=PlanTierBonus.objects.select_related("tier")),
        ).filter(pk__in={a.commission_plan_id for a in chosen.values()})
    }
    result = {}
    for dealer in dealers:
        agreement = chosen[dealer.pk]
        plan = plans[agreement.commission_plan_id]
        tier_code = tier_codes.get(getattr(dealer, "tier_at_end", None) or dealer.tier_id, "")
        result[dealer.pk] = MonthPlan(dealer, agreement, plan, _plan_terms(plan, tier_code))
    return result


_REBUILD_SQL = """
INSERT INTO {rollup} (dealer_id, region_id, month, net_sales, quantity, line_count)
SELECT l.dealer_id, l.ship_to_region_id, %(month)s, sum(l.amount), sum(l.quantity), count(*)
FROM {line} l
WHERE l.sold_at >= %(start)s AND l.sold_at < %(end)s AND l.dealer_id = ANY(%(dealers)s)
GROUP BY l.dealer_id, l.ship_to_region_id
ORDER BY l.dealer_id, l.ship_to_region_id
ON CONFLICT (dealer_id, region_id, month) DO UPDATE SET
    net_sales = excluded.net_sales, quantity = excluded.quantity,
    line_count = excluded.line_count
RETURNING dealer_id, net_sales, line_count
"""


@transaction.atomic
def month_sales_rebuilt(*, month: Month, dealer_ids) -> dict[int, tuple[Decimal, int]]:
    start, end = month.bounds()
    rows = []
    if dealer_ids:
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {SalesMonth._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(
                _REBUILD_SQL.format(rollup=SalesMonth._meta.db_table, line=SaleLine._meta.db_table),
                {"month": month.first_day, "start": start, "end": end, "dealers": dealer_ids},
            )
            rows = cursor.fetchall()
    sales: dict[int, list] = defaultdict(lambda: [Decimal("0"), 0])
    for dealer_id, net, n in rows:
        sales[dealer_id][0] += net
        sales[dealer_id][1] += n
    return {dealer: (calc.money(net), n) for dealer, (net, n) in sales.items()}


def _late_lines(
    *, month: Month, dealer_ids, counted_in: CommissionStatement | None = None
) -> dict[int, list[tuple[int, calc.Component]]]:
    """The ``late`` components of ``month``: one per line sold in an earlier month whose
    statement is approved or paid and did not count it (amount × that month's base rate).

    A line counts exactly once (DOMAIN.md §6.3), so which lines are late is decided by
    ``SaleLine.counted_in`` — set under the statement's lock when a statement is approved —
    never by comparing the times of reporting and approval. For a draft: the lines no
    approved statement has counted yet, reported before the month ends and not already late
    in another month's draft. ``counted_in``: the lines that statement counted (its approval
    recomputes from exactly those). Two queries."""
    start, end = month.bounds()
    lines = SaleLine.objects.filter(dealer_id__in=list(dealer_ids), sold_at__lt=start)
    if counted_in is not None:
        lines = lines.filter(counted_in=counted_in)
    else:
        late_elsewhere = StatementComponent.objects.filter(
            kind=StatementComponent.Kind.LATE, sale_line=OuterRef("pk")
        ).exclude(statement__period=month.first_day)
        lines = lines.filter(counted_in__isnull=True, reported_at__lt=end).exclude(
            Exists(late_elsewhere)
        )
    candidates = list(
        lines.only("pk", "dealer_id", "external_id", "amount", "sold_at", "reported_at").order_by(
            "pk"
        )
    )
    if not candidates:
        return {}
    months = {Month.of(line.sold_at).first_day for line in candidates}
    locked = {
        (s.dealer_id, s.period): s
        for s in CommissionStatement.objects.filter(
            dealer_id__in={line.dealer_id for line in candidates},
            period__in=months,
            status__in=[CommissionStatement.Status.APPROVED, CommissionStatement.Status.PAID],
        ).only("pk", "dealer_id", "period", "approved_at", "base_rate")
    }
    zone = manufacturer_zone()
    result: dict[int, list] = defaultdict(list)
    for line in candidates:
        sold_month = Month.of(line.sold_at)
        statement = locked.get((line.dealer_id, sold_month.first_day))
        if statement is None or statement.base_rate is None:
            continue
        component = arithmetic.late_component(
            line.amount,
            statement.base_rate,
            sale_line=line.external_id,
            sold_at=line.sold_at.astimezone(zone).isoformat(),
            sold_in=str(sold_month),
            reported_at=line.reported_at.astimezone(zone).isoformat(),
            approved_at=statement.approved_at.astimezone(zone).isoformat(),
        )
        result[line.dealer_id].append((line.pk, component))
    return result


class ComponentRow(NamedTuple):
    pk: int
    kind: str
    sale_line_id: int | None
    amount: Decimal
    derivation: dict


REFRESHED_FIELDS = [
    "plan_id",
    "step_mode",
    "base_rate",
    "tier_code",
    "net_sales",
    "line_count",
    "total",
    "currency",
    "computed_at",
]


def _refresh_plan(*, statement, existing, month_plan, net_sales, line_count, late, now, deals):
    result = arithmetic.month_commission(net_sales, month_plan.terms, deals)
    desired = {(c.kind, None): (c, None) for c in result.components}
    for line_id, component in late:
        desired[("late", line_id)] = (component, line_id)
    by_key = {
        (c.kind, c.sale_line_id): c for c in existing if c.kind in StatementComponent.COMPUTED_KINDS
    }
    to_create, to_update = [], []
    for key, (component, line_id) in desired.items():
        row = by_key.pop(key, None)
        if row is None:
            to_create.append(
                StatementComponent(
                    statement=statement,
                    dealer_id=statement.dealer_id,
                    kind=component.kind,
                    amount=component.amount,
                    derivation=component.derivation,
                    sale_line_id=line_id,
                    created_by="system",
                )
            )
        elif row.amount != component.amount or row.derivation != component.derivation:
            to_update.append(
                StatementComponent(
                    pk=row.pk, amount=component.amount, derivation=component.derivation
                )
            )
    to_delete = [row.pk for row in by_key.values()]
    kept = sum(
        (c.amount for c in existing if c.kind not in StatementComponent.COMPUTED_KINDS),
        Decimal("0.00"),
    )
    total = (kept + sum((c.amount for c, _l in desired.values()), Decimal("0.00"))).quantize(
        calc.CENT
    )
    figures = {
        "plan_id": month_plan.plan.pk,
        "step_mode": month_plan.terms.step_mode,
        "base_rate": month_plan.terms.base_rate,
        "tier_code": month_plan.terms.tier_code,
        "net_sales": Decimal(net_sales).quantize(calc.CENT),
        "line_count": line_count,
        "total": total,
        "currency": month_plan.dealer.currency,
    }
    changed = [name for name, value in figures.items() if getattr(statement, name) != value]
    if changed or to_create or to_update or to_delete:
        for name, value in figures.items():
            setattr(statement, name, value)
        statement.computed_at = now
        return "updated", to_create, to_update, to_delete
    return "unchanged", to_create, to_update, to_delete


def _lock_statements(month, dealer_ids):
    return {
        s.dealer_id: s
        for s in CommissionStatement.objects.select_for_update()
        .filter(dealer_id__in=dealer_ids, period=month.first_day)
        .order_by("pk")
    }


@transaction.atomic
def _build_chunk(*, month, plans, sales, late, deals, dry_run, now):
    statements = _lock_statements(month, list(plans))
    missing = [d for d in plans if d not in statements]
    if missing:
        new = [
            CommissionStatement(
                dealer_id=d, period=month.first_day, currency=plans[d].dealer.currency
            )
            for d in missing
        ]
        try:
            with transaction.atomic():
                bulk_create_with_history(new, CommissionStatement, **history_attrs())
        except IntegrityError:
            CommissionStatement.objects.bulk_create(new, ignore_conflicts=True)
        statements.update(_lock_statements(month, missing))
    drafts = [s.pk for s in statements.values() if not s.is_locked]
    components = defaultdict(list)
    for row in (
        StatementComponent.objects.filter(statement_id__in=drafts)
        .order_by("pk")
        .values_list("statement_id", *ComponentRow._fields)
    ):
        components[row[0]].append(ComponentRow(*row[1:]))
    outcomes, changed, to_create, to_update, to_delete = [], [], [], [], []
    for dealer_id in plans:
        statement = statements[dealer_id]
        result = "locked"
        if not statement.is_locked:
            net, count = sales.get(dealer_id, (Decimal("0.00"), 0))
            refreshed, create, update, delete = _refresh_plan(
                statement=statement,
                existing=components[statement.pk],
                month_plan=plans[dealer_id],
                net_sales=net,
                line_count=count,
                late=late.get(dealer_id, []),
                now=now,
                deals=deals.get(dealer_id, calc.NO_DEALS),
            )
            to_create += create
            to_update += update
            to_delete += delete
            result = "created" if dealer_id in missing else refreshed
            if refreshed == "updated":
                changed.append(statement)
        outcomes.append(
            BuildOutcome(
                dealer_id,
                None if dry_run else statement.pk,
                result,
                statement.net_sales,
                statement.total,
            )
        )
    if to_delete:
        StatementComponent.objects.filter(pk__in=to_delete).delete()
    if to_update:
        StatementComponent.objects.bulk_update(to_update, ["amount", "derivation"])
    if to_create:
        StatementComponent.objects.bulk_create(to_create)
    if changed:
        bulk_update_with_history(changed, CommissionStatement, REFRESHED_FIELDS, **history_attrs())
    if dry_run:
        transaction.set_rollback(True)
    return outcomes


def statements_build(*, period, dealer_ids=None, dry_run=False, now=None, on_progress=None):
    now = now or timezone.now()
    month = Month.of(period)
    plans = month_plans(month=month, dealer_ids=dealer_ids, now=now)
    if dry_run:
        sales = selectors.month_sales_by_dealer(month=month, dealer_ids=list(plans))
    else:
        sales = month_sales_rebuilt(month=month, dealer_ids=list(plans))
    outcomes = []
    ids = sorted(plans)
    for i in range(0, len(ids), 200):
        chunk = ids[i : i + 200]
        done = _build_chunk(
            month=month,
            plans={d: plans[d] for d in chunk},
            sales=sales,
            late=_late_lines(month=month, dealer_ids=chunk),
            deals=selectors.month_deal_sales_by_dealer(month=month, dealer_ids=chunk),
            dry_run=dry_run,
            now=now,
        )
        outcomes.extend(done)
        if on_progress is not None:
            for outcome in done:
                on_progress(outcome)
    return outcomes
