"""Monthly commission statements: build and refresh, approve, mark paid, adjustments."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from commissions import calculations as calc
from commissions import rollup, selectors
from commissions.models import CommissionStatement, SaleLine, StatementComponent
from portal.audit import history_attrs
from portal.clock import manufacturer_zone
from portal.jsonb import jsonb_text
from portal.periods import Month


@dataclass(frozen=True)
class BuildOutcome:
    dealer_id: int
    statement_id: int | None
    result: str  # created, updated, unchanged, locked
    net_sales: Decimal
    total: Decimal


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
    recomputes from exactly those). ``dealer_ids``: None for every dealer. Two queries."""
    start, end = month.bounds()
    lines = SaleLine.objects.filter(sold_at__lt=start)
    if dealer_ids is not None:
        lines = lines.filter(dealer_id__in=list(dealer_ids))
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
        component = calc.late_component(
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


def _retotal(statement: CommissionStatement) -> Decimal:
    total = statement.components.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    return total.quantize(calc.CENT)


class ComponentRow(NamedTuple):
    """What a refresh reads of an existing component (no model object); ``derivation``:
    the database's text of the stored JSON (not decoded)."""

    pk: int
    kind: str
    sale_line_id: int | None
    amount: Decimal
    derivation: str


def _same_derivation(stored: dict | str, new: dict) -> bool:
    """Whether a stored derivation (a dict, or the database's text of the stored JSON) says
    what ``new`` says. The text is first compared with PostgreSQL's own rendering of
    ``new`` (:func:`portal.jsonb.jsonb_text`), which spares decoding thousands of them on a
    re-run; only text that differs (another database, a value it does not render) is
    decoded and compared as values."""
    if isinstance(stored, str):
        if stored == jsonb_text(new):
            return True
        stored = json.loads(stored)
    return stored == new


@dataclass
class RefreshPlan:
    """What refreshing one locked draft writes (computed in memory, written in bulk);
    ``figures``: the statement's new figures when it changed (``REFRESHED_FIELDS``)."""

    result: str  # "updated" or "unchanged"
    to_create: list
    to_update: list
    to_delete: list
    figures: dict | None = None


#: the statement fields a refresh writes
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


def _refresh_plan(
    *,
    stored: dict,
    existing: list,
    month_plan: selectors.MonthPlan,
    net_sales: Decimal,
    line_count: int,
    late: list,
    now: dt.datetime,
    deals: calc.DealSales = calc.NO_DEALS,
) -> RefreshPlan:
    """Rebuild a locked draft's computed components (base, step, tier, deal, late) from scratch,
    keeping their rows (and so dispute links) where the figures are the same, and leaving
    adjustments and booked bonuses untouched. No query: ``stored`` are the draft's stored
    fields (by attribute name), ``existing`` its components."""
    result = calc.month_commission(net_sales, month_plan.terms, deals)
    desired: dict[tuple, tuple[calc.Component, int | None]] = {
        (c.kind, None): (c, None) for c in result.components
    }
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
                    statement_id=stored["id"],
                    dealer_id=stored["dealer_id"],
                    kind=component.kind,
                    amount=component.amount,
                    derivation=component.derivation,
                    sale_line_id=line_id,
                    created_by="system",
                )
            )
        elif row.amount != component.amount or not _same_derivation(
            row.derivation, component.derivation
        ):
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
        "currency": month_plan.currency,
    }
    changed = [name for name, value in figures.items() if stored[name] != value]
    if changed or to_create or to_update or to_delete:
        figures["computed_at"] = now
        return RefreshPlan("updated", to_create, to_update, to_delete, figures)
    return RefreshPlan("unchanged", to_create, to_update, to_delete)


def _write_components(to_create: list, to_update: list, to_delete: list) -> None:
    if to_delete:
        StatementComponent.objects.filter(pk__in=to_delete).delete()
    if to_update:
        StatementComponent.objects.bulk_update(to_update, ["amount", "derivation"])
    if to_create:
        StatementComponent.objects.bulk_create(to_create)


def _refresh(
    *,
    statement: CommissionStatement,
    month_plan: selectors.MonthPlan,
    net_sales: Decimal,
    line_count: int,
    late: list,
    now: dt.datetime,
    deals: calc.DealSales = calc.NO_DEALS,
) -> str:
    """Refresh one locked draft (see :func:`_refresh_plan`). Returns "updated" or
    "unchanged"."""
    plan = _refresh_plan(
        stored={name: getattr(statement, name) for name in _STATEMENT_FIELDS},
        existing=list(statement.components.all()),
        month_plan=month_plan,
        net_sales=net_sales,
        line_count=line_count,
        late=late,
        now=now,
        deals=deals,
    )
    _write_components(plan.to_create, plan.to_update, plan.to_delete)
    if plan.figures is not None:
        for name, value in plan.figures.items():
            setattr(statement, name, value)
        statement.save(update_fields=REFRESHED_FIELDS)
    return plan.result


#: dealers per transaction of the statement run
CHUNK_SIZE = 200

#: a statement's fields as the run reads them under its lock: a row becomes a model object
#: only when the run writes it
_STATEMENT_FIELDS = [f.attname for f in CommissionStatement._meta.concrete_fields]


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK_SIZE):
        yield ids[i : i + CHUNK_SIZE]


def _lock_statements(month: Month, dealer_ids) -> dict[int, dict]:
    """The month's statements of ``dealer_ids`` locked in primary-key order, as
    ``{dealer_id: {field: value}}``."""
    rows = (
        CommissionStatement.objects.select_for_update()
        .filter(dealer_id__in=dealer_ids, period=month.first_day)
        .order_by("pk")
        .values_list(*_STATEMENT_FIELDS)
    )
    statements = (dict(zip(_STATEMENT_FIELDS, row, strict=True)) for row in rows)
    return {stored["dealer_id"]: stored for stored in statements}


def _statement(stored: dict) -> CommissionStatement:
    """The model object of a statement read by :func:`_lock_statements` (as a query makes
    it)."""
    return CommissionStatement.from_db(
        CommissionStatement.objects.db, _STATEMENT_FIELDS, list(stored.values())
    )


def _components_of(drafts: list[int]) -> dict[int, list[ComponentRow]]:
    components = defaultdict(list)
    for row in (
        StatementComponent.objects.filter(statement_id__in=drafts)
        .annotate(derivation_text=Cast("derivation", TextField()))
        .order_by("pk")
        .values_list("statement_id", "pk", "kind", "sale_line_id", "amount", "derivation_text")
    ):
        components[row[0]].append(ComponentRow(*row[1:]))
    return components


def _commit_without_waiting() -> None:
    """Let this transaction's commit return before its WAL is flushed to disk
    (PostgreSQL's ``synchronous_commit`` for this transaction only). Only for a transaction
    that wrote nothing but row locks: a crash could lose nothing but those locks, which a
    crash releases anyway."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


@transaction.atomic
def _build_chunk(
    *,
    month: Month,
    plans: dict,
    sales: dict,
    late: dict,
    deals: dict,
    dry_run: bool,
    now,
    own_transaction: bool = False,
):
    """One transaction for a chunk of dealers: the drafts locked in primary-key order (the
    missing ones created first, with their history), their components loaded in one query,
    the arithmetic in memory, then bulk deletes, updates and inserts. ``own_transaction``:
    the chunk's transaction is not part of a caller's; when it then writes nothing (a re-run
    of unchanged drafts) it commits without waiting for the disk."""
    statements = _lock_statements(month, list(plans))
    missing = [d for d in plans if d not in statements]
    if missing:
        new = [
            CommissionStatement(dealer_id=d, period=month.first_day, currency=plans[d].currency)
            for d in missing
        ]
        try:
            with transaction.atomic():
                bulk_create_with_history(new, CommissionStatement, **history_attrs())
        except IntegrityError:  # a concurrent run created some: take theirs
            CommissionStatement.objects.bulk_create(new, ignore_conflicts=True)
        statements.update(_lock_statements(month, missing))
    draft = CommissionStatement.Status.DRAFT
    components = _components_of([s["id"] for s in statements.values() if s["status"] == draft])
    outcomes, changed, to_create, to_update, to_delete = [], [], [], [], []
    for dealer_id in plans:
        stored = statements[dealer_id]
        result, net_sales, total = "locked", stored["net_sales"], stored["total"]
        if stored["status"] == draft:
            net, count = sales.get(dealer_id, (Decimal("0.00"), 0))
            plan = _refresh_plan(
                stored=stored,
                existing=components[stored["id"]],
                month_plan=plans[dealer_id],
                net_sales=net,
                line_count=count,
                late=late.get(dealer_id, []),
                now=now,
                deals=deals.get(dealer_id, calc.NO_DEALS),
            )
            to_create += plan.to_create
            to_update += plan.to_update
            to_delete += plan.to_delete
            result = "created" if dealer_id in missing else plan.result
            if plan.figures is not None:
                statement = _statement(stored)
                for name, value in plan.figures.items():
                    setattr(statement, name, value)
                changed.append(statement)
                net_sales, total = statement.net_sales, statement.total
        outcomes.append(
            BuildOutcome(dealer_id, None if dry_run else stored["id"], result, net_sales, total)
        )
    wrote = bool(missing or changed or to_create or to_update or to_delete)
    if own_transaction and not wrote and not dry_run and connection.vendor == "postgresql":
        _commit_without_waiting()
    _write_components(to_create, to_update, to_delete)
    if changed:
        bulk_update_with_history(changed, CommissionStatement, REFRESHED_FIELDS, **history_attrs())
    if dry_run:
        transaction.set_rollback(True)
    return outcomes


def statements_build(
    *,
    period: dt.date | Month,
    dealer_ids=None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    on_progress=None,
) -> list[BuildOutcome]:
    """Build or refresh the month's statement of every dealer with a plan for ``period``
    (or of ``dealer_ids``; ``period``: the Month, or its first day as statements store it).
    Drafts are recomputed from scratch, deterministically; approved and paid statements are
    left alone ("locked"). Net sales come from one aggregate query for all dealers (which
    also rebuilds the month's sales rollup), late lines and deals from one query each; the
    statements are then written in chunks of dealers, one transaction and a constant number
    of queries each (:func:`_build_chunk`) — none of it grows with the lines. A chunk that
    changes nothing writes nothing (and, in a transaction of its own, does not wait for the
    disk to commit its row locks)."""
    now = now or timezone.now()
    month = Month.of(period)
    own_transactions = not connection.in_atomic_block
    plans = selectors.month_plans(month=month, dealer_ids=dealer_ids, now=now)
    ids = sorted(plans)
    if dry_run:
        sales = selectors.month_sales_by_dealer(month=month, dealer_ids=ids)
    else:  # the same aggregate rebuilds the month's sales rollup
        sales = rollup.month_sales_rebuilt(month=month, dealer_ids=ids)
    # A run over every dealer reads every dealer's late lines and deals (and uses those of
    # the dealers with a plan): thousands of ids cost more to send and plan than to read.
    scope = None if dealer_ids is None else ids
    late = _late_lines(month=month, dealer_ids=scope) if ids else {}
    deals = selectors.month_deal_sales_by_dealer(month=month, dealer_ids=scope) if ids else {}
    outcomes = []
    for chunk in _chunks(ids):
        done = _build_chunk(
            month=month,
            plans={d: plans[d] for d in chunk},
            sales=sales,
            late=late,
            deals=deals,
            dry_run=dry_run,
            now=now,
            own_transaction=own_transactions,
        )
        outcomes.extend(done)
        if on_progress is not None:
            for outcome in done:
                on_progress(outcome)
    return outcomes


def _count_lines(statement: CommissionStatement) -> None:
    """Record on each line that ``statement`` (locked, being approved) counts it: the lines
    of its month and its late lines that no approved statement counted yet. Under the
    statement's lock, so that ingestion (which takes the same lock for the month's lines)
    commits either before — and is counted here — or after, and is late; a conditional
    UPDATE, so that two approvals never both take a late line."""
    month = Month.of(statement.period)
    start, end = month.bounds()
    SaleLine.objects.filter(
        dealer_id=statement.dealer_id, sold_at__gte=start, sold_at__lt=end, counted_in__isnull=True
    ).update(counted_in=statement)
    late = _late_lines(month=month, dealer_ids=[statement.dealer_id])
    late_ids = [line_id for line_id, _c in late.get(statement.dealer_id, [])]
    if late_ids:
        SaleLine.objects.filter(pk__in=late_ids, counted_in__isnull=True).update(
            counted_in=statement
        )


def _refresh_one(statement: CommissionStatement, now: dt.datetime, approving=False) -> None:
    """Refresh a locked draft; ``approving``: from exactly the lines it counts."""
    month = Month.of(statement.period)
    plans = selectors.month_plans(month=month, dealer_ids=[statement.dealer_id], now=now)
    month_plan = plans.get(statement.dealer_id)
    if month_plan is None:
        # No plan this month (e.g. a statement opened only to book a bonus after the
        # agreement ended): keep what is there and make sure the total adds up.
        total = _retotal(statement)
        if total != statement.total:
            statement.total = total
            statement.save(update_fields=["total"])
        return
    if approving:
        _count_lines(statement)
    net, count = selectors.month_sales_by_dealer(
        month=month, dealer_ids=[statement.dealer_id], counted_in=statement if approving else None
    ).get(statement.dealer_id, (Decimal("0.00"), 0))
    late = _late_lines(
        month=month, dealer_ids=[statement.dealer_id], counted_in=statement if approving else None
    )
    deals = selectors.month_deal_sales_by_dealer(
        month=month, dealer_ids=[statement.dealer_id], counted_in=statement if approving else None
    ).get(statement.dealer_id, calc.NO_DEALS)
    _refresh(
        statement=statement,
        month_plan=month_plan,
        net_sales=net,
        line_count=count,
        late=late.get(statement.dealer_id, []),
        now=now,
        deals=deals,
    )
