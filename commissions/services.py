"""Writes of the commissions app: plans, sale-line ingestion, statements, threshold bonuses.

Every function is keyword-only and atomic; the arithmetic is ``commissions.calculations``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commissions import calculations as calc
from commissions import selectors
from commissions.models import (
    CommissionPlan,
    CommissionStatement,
    PlanStep,
    PlanTierBonus,
    SaleLine,
    StatementComponent,
)
from portal.access import actor_from

FINANCE = "finance"
MAX_BATCH = 10_000
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def _require_finance(actor) -> None:
    if not actor_from(actor).in_group(FINANCE):
        raise PermissionDenied(_("Only the finance group may do this."))


# --- plans ---------------------------------------------------------------------------------


def plan_steps_validate(steps: list[tuple[Decimal, Decimal]]) -> None:
    """Steps of one plan: thresholds unique and positive; the rate never falls as the
    threshold rises (so selling more never lowers the step rate, and marginal ≤ whole)."""
    ordered = sorted(steps, key=lambda s: s[0])
    thresholds = [t for t, _r in ordered]
    if len(set(thresholds)) != len(thresholds):
        raise ValidationError(
            {
                "steps": ValidationError(
                    _("Two steps have the same threshold."), code="duplicate_threshold"
                )
            }
        )
    for (_t1, r1), (_t2, r2) in itertools.pairwise(ordered):
        if r2 < r1:
            raise ValidationError(
                {
                    "steps": ValidationError(
                        _("A higher threshold cannot have a lower rate."), code="rate_decreasing"
                    )
                }
            )


@transaction.atomic
def commission_plan_save(
    *,
    plan: CommissionPlan | None = None,
    fields: dict,
    steps: list[dict] | None = None,
    tier_bonuses: list[dict] | None = None,
) -> CommissionPlan:
    """Create or update a plan with its steps (``[{"threshold", "rate"}]``) and tier bonuses
    (``[{"tier": Tier, "rate"}]``); the lists, when given, replace the existing ones.
    Approved statements keep their figures (each stores its own derivation)."""
    plan = plan or CommissionPlan()
    for key, value in fields.items():
        setattr(plan, key, value)
    plan.full_clean()
    if steps is not None:
        plan_steps_validate([(Decimal(s["threshold"]), Decimal(s["rate"])) for s in steps])
    plan.save()
    if steps is not None:
        new_steps = [PlanStep(plan=plan, threshold=s["threshold"], rate=s["rate"]) for s in steps]
        for step in new_steps:
            step.full_clean(exclude=["plan"], validate_unique=False, validate_constraints=False)
        plan.steps.all().delete()
        for step in new_steps:
            step.save()
    if tier_bonuses is not None:
        tiers = [b["tier"].pk for b in tier_bonuses]
        if len(set(tiers)) != len(tiers):
            raise ValidationError(
                {"tier_bonuses": ValidationError(_("A tier appears twice."), code="duplicate_tier")}
            )
        new_bonuses = [
            PlanTierBonus(plan=plan, tier=b["tier"], rate=b["rate"]) for b in tier_bonuses
        ]
        for bonus in new_bonuses:
            bonus.full_clean(exclude=["plan"], validate_unique=False, validate_constraints=False)
        plan.tier_bonuses.all().delete()
        for bonus in new_bonuses:
            bonus.save()
    return plan


# --- sale lines ----------------------------------------------------------------------------


class BatchRejected(Exception):
    """A batch with at least one invalid line: nothing was written."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


logger = logging.getLogger(__name__)


@dataclass
class IngestOutcome:
    created_ids: list[int] = field(default_factory=list)
    duplicates: int = 0
    items: list[dict] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for item in self.items if item["outcome"] in ("created", "new"))


COMPARED = ("product_id", "quantity", "amount", "currency", "sold_at", "ship_to_region_id")


def _decimal(value, places: int, errors: list, index: int, name: str) -> Decimal | None:
    if value is None or value == "":
        errors.append(_err(index, name, "required", _("This field is required.")))
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.append(_err(index, name, "invalid", _("A number is required.")))
        return None
    if not number.is_finite():
        errors.append(_err(index, name, "invalid", _("A number is required.")))
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        errors.append(
            _err(
                index,
                name,
                "max_decimal_places",
                _("At most %(places)d decimal places.") % {"places": places},
            )
        )
        return None
    if abs(number) >= Decimal(10) ** (13 if places == 3 else 14):
        errors.append(_err(index, name, "max_digits", _("The number is too large.")))
        return None
    return number.quantize(Decimal(1).scaleb(-places))


def _err(index: int, name: str, code: str, message: str) -> dict:
    return {"index": index, "field": name, "code": code, "message": str(message)}


def _text(raw: dict, name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def _moment(value, default_tz, errors, index) -> dt.datetime | None:
    if value in (None, ""):
        errors.append(_err(index, "sold_at", "required", _("This field is required.")))
        return None
    moment = value if isinstance(value, dt.datetime) else None
    if moment is None:
        try:
            moment = parse_datetime(str(value).strip())
        except ValueError:
            moment = None
    if moment is None:
        errors.append(
            _err(index, "sold_at", "invalid", _("Use ISO 8601, e.g. 2026-10-05T14:30:00+08:00."))
        )
        return None
    if timezone.is_naive(moment):
        if default_tz is None:
            errors.append(
                _err(index, "sold_at", "naive_datetime", _("Give the time with its UTC offset."))
            )
            return None
        moment = moment.replace(tzinfo=ZoneInfo(default_tz))
    return moment


def sale_lines_ingest(
    *,
    actor,
    lines: list[dict],
    source: str = "",
    validate_only: bool = False,
    naive_time_zone: str | None = None,
    now: dt.datetime | None = None,
) -> IngestOutcome:
    """Record a batch of reported sale lines (DOMAIN.md §6.1), atomically.

    ``lines``: dicts of ``external_id, sku, quantity, amount, currency, sold_at,
    ship_to_region`` (and ``dealer``, a code, for manufacturer callers; dealer callers write
    their own dealer only). A line already reported with identical values is a duplicate
    (a no-op, counted); with different values it is ``external_id_conflict``. Any error
    raises :class:`BatchRejected` listing every error by index, field and code, and nothing
    is written. A constant number of queries per batch, whatever its size.

    Returns the outcome per line and ``created_ids`` (the new lines; after commit the lead
    wires ``conflicts.services.channel_conflicts_open_for_sale_lines`` on them).
    ``validate_only`` checks and reports without writing (the upload preview).

    A concurrent batch inserting the same (dealer, external_id) first makes the insert fail
    on the unique constraint; the batch is then evaluated once more (those lines are now
    duplicates or conflicts).
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _sale_lines_ingest(
                    actor=actor,
                    lines=lines,
                    source=source,
                    validate_only=validate_only,
                    naive_time_zone=naive_time_zone,
                    now=now,
                )
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _sale_lines_ingest(*, actor, lines, source, validate_only, naive_time_zone, now):
    from dealers.models import Dealer, Product, Region

    who = actor_from(actor)
    now = now or timezone.now()
    if len(lines) > MAX_BATCH:
        raise BatchRejected(
            [
                {
                    "index": None,
                    "field": None,
                    "code": "too_many_lines",
                    "message": _("At most %(n)d lines per batch.") % {"n": MAX_BATCH},
                }
            ]
        )
    errors: list[dict] = []
    dealer_codes = {_text(raw, "dealer") for raw in lines if isinstance(raw, dict)} - {""}
    skus = {_text(raw, "sku") for raw in lines if isinstance(raw, dict)} - {""}
    regions = {_text(raw, "ship_to_region") for raw in lines if isinstance(raw, dict)} - {""}

    if who.manufacturer:
        dealers = {d.code: d for d in Dealer.objects.filter(code__in=dealer_codes)}
    elif who.is_dealer:
        own = who.dealer
        dealers = {own.code: own}
    else:
        raise PermissionDenied(_("You may not report sales."))
    products = dict(Product.objects.filter(sku__in=skus).values_list("sku", "pk"))
    region_ids = dict(Region.objects.filter(code__in=regions).values_list("code", "pk"))

    parsed: list[SaleLine | None] = []
    seen: dict[tuple[int, str], int] = {}
    for index, raw in enumerate(lines):
        if not isinstance(raw, dict):
            errors.append(_err(index, "non_field_errors", "invalid", _("Each line is an object.")))
            parsed.append(None)
            continue
        count = len(errors)
        if who.manufacturer:
            code = _text(raw, "dealer")
            dealer = dealers.get(code)
            if not code:
                errors.append(_err(index, "dealer", "required", _("This field is required.")))
            elif dealer is None:
                errors.append(_err(index, "dealer", "unknown_dealer", _("Unknown dealer.")))
        else:
            dealer = own
            code = _text(raw, "dealer")
            if code and code != own.code:
                errors.append(_err(index, "dealer", "unknown_dealer", _("Unknown dealer.")))
        external_id = _text(raw, "external_id")
        if not external_id:
            errors.append(_err(index, "external_id", "required", _("This field is required.")))
        elif len(external_id) > 100:
            errors.append(_err(index, "external_id", "max_length", _("At most 100 characters.")))
        sku = _text(raw, "sku")
        if not sku:
            errors.append(_err(index, "sku", "required", _("This field is required.")))
        elif sku not in products:
            errors.append(_err(index, "sku", "unknown_sku", _("Unknown SKU.")))
        region = _text(raw, "ship_to_region")
        if not region:
            errors.append(_err(index, "ship_to_region", "required", _("This field is required.")))
        elif region not in region_ids:
            errors.append(_err(index, "ship_to_region", "unknown_region", _("Unknown region.")))
        quantity = _decimal(raw.get("quantity"), 3, errors, index, "quantity")
        amount = _decimal(raw.get("amount"), 2, errors, index, "amount")
        if quantity is not None and amount is not None and quantity * amount < 0:
            errors.append(
                _err(
                    index,
                    "amount",
                    "sign_mismatch",
                    _("A return has a negative quantity and a negative amount."),
                )
            )
        sold_at = _moment(raw.get("sold_at"), naive_time_zone, errors, index)
        if sold_at is not None and sold_at > now + FUTURE_TOLERANCE:
            errors.append(
                _err(index, "sold_at", "sold_in_future", _("This sale lies in the future."))
            )
        currency = _text(raw, "currency").upper() or (dealer.currency if dealer else "")
        if dealer is not None and currency != dealer.currency:
            errors.append(
                _err(
                    index,
                    "currency",
                    "currency_mismatch",
                    _("Report amounts in the dealer's currency, %(currency)s.")
                    % {"currency": dealer.currency},
                )
            )
        if dealer is not None and external_id:
            key = (dealer.pk, external_id)
            if key in seen:
                errors.append(
                    _err(
                        index,
                        "external_id",
                        "duplicate_in_batch",
                        _("The same external id appears twice in this batch (line %(n)d).")
                        % {"n": seen[key]},
                    )
                )
            else:
                seen[key] = index
        if len(errors) > count:
            parsed.append(None)
            continue
        parsed.append(
            SaleLine(
                dealer=dealer,
                external_id=external_id,
                product_id=products[sku],
                quantity=quantity,
                amount=amount,
                currency=currency,
                sold_at=sold_at,
                ship_to_region_id=region_ids[region],
                source=source[:200],
            )
        )

    # Lines already reported: identical values are duplicates, different ones conflicts.
    keys = [(line.dealer.pk, line.external_id) for line in parsed if line is not None]
    existing = {}
    if keys:
        rows = SaleLine.objects.filter(
            dealer_id__in={k[0] for k in keys}, external_id__in={k[1] for k in keys}
        ).values("pk", "dealer_id", "external_id", *COMPARED)
        existing = {(row["dealer_id"], row["external_id"]): row for row in rows}
    outcome = IngestOutcome()
    new_lines = []
    for index, line in enumerate(parsed):
        if line is None:
            continue
        row = existing.get((line.dealer.pk, line.external_id))
        if row is None:
            new_lines.append((index, line))
            continue
        same = all(getattr(line, name) == row[name] for name in COMPARED)
        if same:
            outcome.duplicates += 1
            outcome.items.append(
                {
                    "index": index,
                    "external_id": line.external_id,
                    "outcome": "duplicate",
                    "id": row["pk"],
                }
            )
        else:
            errors.append(
                _err(
                    index,
                    "external_id",
                    "external_id_conflict",
                    _("A line with this external id was already reported with other values."),
                )
            )
    if errors:
        errors.sort(key=lambda e: (e["index"] is None, e["index"] or 0))
        raise BatchRejected(errors)
    if validate_only:
        for index, line in new_lines:
            outcome.items.append(
                {"index": index, "external_id": line.external_id, "outcome": "new", "id": None}
            )
        outcome.items.sort(key=lambda item: item["index"])
        return outcome

    # A line for a month whose statement is being approved waits for the approval to
    # commit, so that it is either in the approved figures or reported late (see
    # statement_approve): lock the statements of the months the batch touches.
    tz = selectors.manufacturer_tz()
    months = {calc.month_of(line.sold_at, tz) for _i, line in new_lines}
    if new_lines:
        list(
            CommissionStatement.objects.select_for_update()
            .filter(dealer_id__in={line.dealer.pk for _i, line in new_lines}, period__in=months)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        created = SaleLine.objects.bulk_create([line for _i, line in new_lines])
        for (index, _line), line in zip(new_lines, created, strict=True):
            outcome.created_ids.append(line.pk)
            outcome.items.append(
                {
                    "index": index,
                    "external_id": line.external_id,
                    "outcome": "created",
                    "id": line.pk,
                }
            )
        _after_commit_open_channel_conflicts(list(outcome.created_ids))
    outcome.items.sort(key=lambda item: item["index"])
    return outcome


def _after_commit_open_channel_conflicts(sale_line_ids: list[int]) -> None:
    """Once the lines are committed, open the channel-conflict tickets of lines shipped into
    another dealer's exclusive territory (DOMAIN.md §2) on a worker. If the broker cannot
    take the job, do it here: a conflict must not go unnoticed because Redis was down."""
    from conflicts import services as conflict_services
    from conflicts import tasks as conflict_tasks

    def enqueue():
        try:
            conflict_tasks.open_channel_conflicts.delay(sale_line_ids)
        except Exception:
            logger.exception(
                "commissions: could not queue channel-conflict detection; running it now"
            )
            conflict_services.channel_conflicts_open_for_sale_lines(sale_line_ids=sale_line_ids)

    transaction.on_commit(enqueue)


# --- statements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildOutcome:
    dealer_id: int
    statement_id: int | None
    result: str  # created, updated, unchanged, locked
    net_sales: Decimal
    total: Decimal


def _late_lines(*, period: dt.date, dealer_ids) -> dict[int, list[calc.Component]]:
    """Lines reported during ``period`` for an earlier month whose statement was already
    approved when they arrived: one ``late`` component each (amount × that month's base
    rate). Two queries."""
    tz = selectors.manufacturer_tz()
    start, end = calc.month_bounds(period, tz)
    candidates = list(
        SaleLine.objects.filter(
            dealer_id__in=list(dealer_ids),
            reported_at__gte=start,
            reported_at__lt=end,
            sold_at__lt=start,
        )
        .only("pk", "dealer_id", "external_id", "amount", "sold_at", "reported_at")
        .order_by("pk")
    )
    if not candidates:
        return {}
    months = {calc.month_of(line.sold_at, tz) for line in candidates}
    locked = {
        (s.dealer_id, s.period): s
        for s in CommissionStatement.objects.filter(
            dealer_id__in={line.dealer_id for line in candidates},
            period__in=months,
            status__in=[CommissionStatement.Status.APPROVED, CommissionStatement.Status.PAID],
        ).only("pk", "dealer_id", "period", "approved_at", "base_rate")
    }
    zone = ZoneInfo(tz)
    result: dict[int, list] = defaultdict(list)
    for line in candidates:
        sold_month = calc.month_of(line.sold_at, tz)
        statement = locked.get((line.dealer_id, sold_month))
        if statement is None or statement.base_rate is None:
            continue
        if statement.approved_at is None or line.reported_at <= statement.approved_at:
            continue
        component = calc.late_component(
            line.amount,
            statement.base_rate,
            sale_line=line.external_id,
            sold_at=line.sold_at.astimezone(zone).isoformat(),
            sold_in=calc.format_period(sold_month),
            reported_at=line.reported_at.astimezone(zone).isoformat(),
            approved_at=statement.approved_at.astimezone(zone).isoformat(),
        )
        result[line.dealer_id].append((line.pk, component))
    return result


def _retotal(statement: CommissionStatement) -> Decimal:
    total = statement.components.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    return total.quantize(calc.CENT)


def _refresh(
    *,
    statement: CommissionStatement,
    month_plan: selectors.MonthPlan,
    net_sales: Decimal,
    line_count: int,
    late: list,
    now: dt.datetime,
) -> str:
    """Rebuild a locked draft's computed components (base, step, tier, late) from scratch,
    keeping their rows (and so dispute links) where the figures are the same, and leaving
    adjustments and booked bonuses untouched. Returns "updated" or "unchanged"."""
    result = calc.month_commission(net_sales, month_plan.terms)
    desired: dict[tuple, tuple[calc.Component, int | None]] = {
        (c.kind, None): (c, None) for c in result.components
    }
    for line_id, component in late:
        desired[("late", line_id)] = (component, line_id)
    existing = list(statement.components.all())
    by_key = {
        (c.kind, c.sale_line_id): c for c in existing if c.kind in StatementComponent.COMPUTED_KINDS
    }
    to_create, to_update, to_delete = [], [], []
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
            row.amount, row.derivation = component.amount, component.derivation
            to_update.append(row)
    to_delete = [row.pk for row in by_key.values()]
    if to_delete:
        StatementComponent.objects.filter(pk__in=to_delete).delete()
    if to_update:
        StatementComponent.objects.bulk_update(to_update, ["amount", "derivation"])
    if to_create:
        StatementComponent.objects.bulk_create(to_create)
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
        statement.save(update_fields=[*figures, "computed_at"])
        return "updated"
    return "unchanged"


def statements_build(
    *,
    period: dt.date,
    dealer_ids=None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    on_progress=None,
) -> list[BuildOutcome]:
    """Build or refresh the month's statement of every dealer with a plan for ``period``
    (or of ``dealer_ids``). Drafts are recomputed from scratch, deterministically;
    approved and paid statements are left alone ("locked"). Net sales come from one
    aggregate query for all dealers; each dealer's statement is then written in its own
    transaction with a constant number of queries — none of it grows with the lines.
    ``dry_run`` computes and rolls back."""
    now = now or timezone.now()
    plans = selectors.month_plans(period=period, dealer_ids=dealer_ids, now=now)
    sales = selectors.month_sales_by_dealer(period=period, dealer_ids=list(plans))
    late = _late_lines(period=period, dealer_ids=list(plans)) if plans else {}
    outcomes = []
    for dealer_id in sorted(plans):
        net, count = sales.get(dealer_id, (Decimal("0.00"), 0))
        with transaction.atomic():
            statement, created = CommissionStatement.objects.select_for_update().get_or_create(
                dealer_id=dealer_id,
                period=period,
                defaults={"currency": plans[dealer_id].dealer.currency},
            )
            if statement.is_locked:
                result = "locked"
            else:
                result = _refresh(
                    statement=statement,
                    month_plan=plans[dealer_id],
                    net_sales=net,
                    line_count=count,
                    late=late.get(dealer_id, []),
                    now=now,
                )
                if created:
                    result = "created"
            outcome = BuildOutcome(
                dealer_id,
                None if dry_run else statement.pk,
                result,
                statement.net_sales,
                statement.total,
            )
            if dry_run:
                transaction.set_rollback(True)
        outcomes.append(outcome)
        if on_progress is not None:
            on_progress(outcome)
    return outcomes


def _refresh_one(statement: CommissionStatement, now: dt.datetime) -> None:
    plans = selectors.month_plans(
        period=statement.period, dealer_ids=[statement.dealer_id], now=now
    )
    month_plan = plans.get(statement.dealer_id)
    if month_plan is None:
        # No plan this month (e.g. a statement opened only to book a bonus after the
        # agreement ended): keep what is there and make sure the total adds up.
        total = _retotal(statement)
        if total != statement.total:
            statement.total = total
            statement.save(update_fields=["total"])
        return
    net, count = selectors.month_sales_by_dealer(
        period=statement.period, dealer_ids=[statement.dealer_id]
    ).get(statement.dealer_id, (Decimal("0.00"), 0))
    late = _late_lines(period=statement.period, dealer_ids=[statement.dealer_id])
    _refresh(
        statement=statement,
        month_plan=month_plan,
        net_sales=net,
        line_count=count,
        late=late.get(statement.dealer_id, []),
        now=now,
    )


def _lock(statement: CommissionStatement) -> CommissionStatement:
    return (
        CommissionStatement.objects.select_for_update()
        .select_related("dealer")
        .get(pk=statement.pk)
    )


@transaction.atomic
def statement_approve(
    *, statement: CommissionStatement, actor, expected_total: Decimal | None = None, now=None
) -> CommissionStatement:
    """Approve a draft (finance). The month must be over. The figures are refreshed under
    the lock first, so that every line reported before the approval is in them and every
    line after it is ``late`` next month; ``expected_total`` (what the approver saw)
    refuses the approval if the refresh changed the total."""
    _require_finance(actor)
    now = now or timezone.now()
    locked = _lock(statement)
    if locked.status != CommissionStatement.Status.DRAFT:
        raise ValidationError(_("Only a draft can be approved."), code="not_draft")
    _start, end = calc.month_bounds(locked.period, selectors.manufacturer_tz())
    if end > now:
        raise ValidationError(
            _("The month is not over yet; it can be approved from its last day on."),
            code="period_not_over",
        )
    _refresh_one(locked, now)
    if expected_total is not None and locked.total != Decimal(expected_total):
        raise ValidationError(
            _("The total changed to %(total)s since you looked at it; review it again.")
            % {"total": locked.total},
            code="total_changed",
        )
    locked.status = CommissionStatement.Status.APPROVED
    locked.approved_at = now
    locked.approved_by = actor_from(actor).label
    locked.save(update_fields=["status", "approved_at", "approved_by"])
    _notify_dealer(locked, gettext_lazy("Your commission statement for %(period)s is approved"))
    return locked


@transaction.atomic
def statement_mark_paid(
    *, statement: CommissionStatement, actor, reference: str = "", now=None
) -> CommissionStatement:
    """Record the payment of an approved statement (finance)."""
    _require_finance(actor)
    locked = _lock(statement)
    if locked.status != CommissionStatement.Status.APPROVED:
        raise ValidationError(
            _("Only an approved statement can be marked paid."), code="not_approved"
        )
    locked.status = CommissionStatement.Status.PAID
    locked.paid_at = now or timezone.now()
    locked.paid_by = actor_from(actor).label
    locked.payment_reference = reference[:100]
    locked.save(update_fields=["status", "paid_at", "paid_by", "payment_reference"])
    _notify_dealer(locked, gettext_lazy("Your commission for %(period)s is paid"))
    return locked


@transaction.atomic
def statement_adjustment_add(
    *, statement: CommissionStatement, actor, amount: Decimal, reason: str
) -> StatementComponent:
    """A manual adjustment line on a draft (finance), with its reason."""
    _require_finance(actor)
    locked = _lock(statement)
    if locked.is_locked:
        raise ValidationError(
            _("Approved and paid statements do not change."), code="statement_locked"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give a reason."), code="required")})
    amount = Decimal(amount)
    if amount != amount.quantize(calc.CENT):
        raise ValidationError(
            {"amount": ValidationError(_("At most 2 decimal places."), code="max_decimal_places")}
        )
    label = actor_from(actor).label
    component = StatementComponent.objects.create(
        statement=locked,
        dealer_id=locked.dealer_id,
        kind=StatementComponent.Kind.ADJUSTMENT,
        amount=amount,
        reason=reason,
        derivation={"formula": "manual adjustment", "by": label, "reason": reason},
        created_by=label,
    )
    locked.total = _retotal(locked)
    locked.save(update_fields=["total"])
    return component


def _notify_dealer(statement: CommissionStatement, title) -> None:
    """Tell the dealer's users, each in their own language (``title`` is lazy)."""
    from django.urls import reverse

    from portal.models import User
    from portal.notifications import in_language_of, notification_send

    url = reverse("commissions:statement-detail", args=[statement.pk])
    for user in User.objects.filter(membership__dealer_id=statement.dealer_id, is_active=True):
        with in_language_of(user):
            text = str(title) % {"period": statement.period_label}
        notification_send(recipients=[user], kind="commission_statement", title=text, url=url)


# --- threshold bonuses ---------------------------------------------------------------------


def _base_by_month(dealer, months: list[dt.date], now) -> tuple[list[tuple[str, Decimal]], dict]:
    """Each month's base commission (rounded, as on a statement) and the plan of the last."""
    result, last = [], None
    for month in months:
        plans = selectors.month_plans(period=month, dealer_ids=[dealer.pk], now=now)
        month_plan = plans.get(dealer.pk)
        if month_plan is None:
            continue
        net, _n = selectors.month_sales_by_dealer(period=month, dealer_ids=[dealer.pk]).get(
            dealer.pk, (Decimal("0.00"), 0)
        )
        result.append(
            (calc.format_period(month), calc.base_component(net, month_plan.terms.base_rate).amount)
        )
        last = month_plan
    return result, last


def _book(
    dealer, component: calc.Component, bonus_period: str, after: dt.date, now
) -> StatementComponent | None:
    """Book a bonus into the draft of the month after the period (or, if that one is already
    approved, the current month's draft), exactly once per (dealer, period, kind)."""
    with transaction.atomic():
        if StatementComponent.objects.filter(
            dealer=dealer, kind=component.kind, bonus_period=bonus_period
        ).exists():
            return None
        statement, _c = CommissionStatement.objects.select_for_update().get_or_create(
            dealer=dealer, period=after, defaults={"currency": dealer.currency}
        )
        if statement.is_locked:
            statement, _c = CommissionStatement.objects.select_for_update().get_or_create(
                dealer=dealer,
                period=selectors.current_period(now),
                defaults={"currency": dealer.currency},
            )
            if statement.is_locked:
                raise ValidationError(
                    _("No draft statement to book the bonus into."), code="no_draft"
                )
        try:
            with transaction.atomic():
                row = StatementComponent.objects.create(
                    statement=statement,
                    dealer=dealer,
                    kind=component.kind,
                    amount=component.amount,
                    derivation=component.derivation,
                    bonus_period=bonus_period,
                    created_by="system",
                )
        except IntegrityError:
            return None  # booked meanwhile by a concurrent call
        statement.total = _retotal(statement)
        statement.save(update_fields=["total"])
        return row


def threshold_bonuses_book(
    *, dealer, year: int, quarter: int, now=None
) -> list[StatementComponent]:
    """Book the quarter bonus of (year, quarter) and, for quarter 4, the annual bonus
    (DOMAIN.md §6.2/§6.4), when the targets of the agreement in effect at the period's end
    are reached. Exactly once per (dealer, period, kind) — a unique constraint makes it so
    under concurrency; safe to call any number of times. Returns the components booked by
    this call (empty when nothing is due or it is already booked)."""
    now = now or timezone.now()
    tz = selectors.manufacturer_tz()
    months = calc.quarter_months(year, quarter)
    start = calc.month_bounds(months[0], tz)[0]
    end = calc.month_bounds(months[-1], tz)[1]
    if end > now:
        raise ValidationError(_("The quarter is not over yet."), code="period_not_over")
    after = calc.add_months(months[-1], 1)
    booked = []
    monthly, last = _base_by_month(dealer, months, now)
    if last is not None:
        net = selectors.net_sales_by_dealer(start=start, end=end, dealer_ids=[dealer.pk]).get(
            dealer.pk, Decimal("0.00")
        )
        component = calc.quarter_bonus(
            quarter_net_sales=net,
            target=last.agreement.quarterly_target,
            rate=last.plan.quarter_bonus_rate,
            monthly_base=monthly,
            period=f"{year}Q{quarter}",
        )
        if component is not None:
            row = _book(dealer, component, f"{year}Q{quarter}", after, now)
            if row is not None:
                booked.append(row)
    if quarter == 4:
        year_months = [dt.date(year, m, 1) for m in range(1, 13)]
        monthly, last = _base_by_month(dealer, year_months, now)
        if last is not None:
            year_start = calc.month_bounds(year_months[0], tz)[0]
            net = selectors.net_sales_by_dealer(
                start=year_start, end=end, dealer_ids=[dealer.pk]
            ).get(dealer.pk, Decimal("0.00"))
            component = calc.annual_bonus(
                year_net_sales=net,
                target=last.agreement.annual_target,
                months=last.plan.annual_bonus_months,
                monthly_base=monthly,
                period=str(year),
            )
            if component is not None:
                row = _book(dealer, component, str(year), after, now)
                if row is not None:
                    booked.append(row)
    return booked
