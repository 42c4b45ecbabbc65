"""Inventory writes (DOMAIN.md §5.2–5.3).

The sync contract: a batch is validated as a whole first (every error listed, nothing
applied), then applied under row locks with a constant number of SQL statements. Every
change of a level writes a ledger row. Alert evaluation runs after commit.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealers.models import Product
from inventory import bulk, calculations
from inventory.models import (
    ReorderRule,
    StockAlert,
    StockLevel,
    StockMovement,
    StockUpload,
    Warehouse,
)
from portal.access import Actor, actor_from

logger = logging.getLogger(__name__)

MAX_BATCH_ITEMS = 10_000
#: how far in the future an ``as_of`` may be (clock skew between systems)
AS_OF_TOLERANCE = timedelta(minutes=5)
MAX_QUANTITY = Decimal("99999999999.999")
MAX_REASON = 200


@dataclass(frozen=True)
class ItemError:
    index: int | None  # None: the batch as a whole
    field: str | None
    code: str
    message: str

    @property
    def attr(self) -> str:
        parts = ["items"]
        if self.index is not None:
            parts.append(str(self.index))
        if self.field:
            parts.append(self.field)
        return ".".join(parts)


class StockBatchInvalid(Exception):
    """The batch was rejected as a whole; ``errors`` lists every problem."""

    def __init__(self, errors: list[ItemError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass
class ItemResult:
    index: int
    warehouse: str
    sku: str
    outcome: str
    quantity: Decimal


@dataclass
class BatchResult:
    request_id: str
    items: list[ItemResult] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {calculations.APPLIED: 0, calculations.STALE: 0, calculations.UNCHANGED: 0}
        for item in self.items:
            counts[item.outcome] += 1
        counts["total"] = len(self.items)
        return counts

    def as_dict(self) -> dict:
        """JSON-ready (quantities as strings, as every decimal in the API)."""
        return {
            "request_id": self.request_id,
            "counts": self.counts,
            "items": [
                {
                    "index": i.index,
                    "warehouse": i.warehouse,
                    "sku": i.sku,
                    "outcome": i.outcome,
                    "quantity": str(i.quantity),
                }
                for i in self.items
            ],
        }


@dataclass
class _Item:
    index: int
    warehouse: Warehouse
    product: Product
    quantity: Decimal | None = None  # sets
    as_of: datetime | None = None  # sets
    delta: Decimal | None = None  # adjustments
    reason: str = ""
    expected_quantity: Decimal | None = None

    @property
    def pair(self) -> tuple[int, int]:
        return (self.warehouse.pk, self.product.pk)


# -- validation -----------------------------------------------------------------------------

MESSAGES = {
    "required": gettext_lazy("This field is required."),
    "malformed": gettext_lazy("This value is malformed."),
    "not_a_number": gettext_lazy("A number with at most 3 decimal places is expected."),
    "naive_datetime": gettext_lazy("An ISO 8601 date-time with a UTC offset is expected."),
    "future_as_of": gettext_lazy("This time is in the future."),
    "negative_quantity": gettext_lazy("A stock quantity cannot be negative."),
    "unknown_sku": gettext_lazy("No product has this SKU."),
    "unknown_warehouse": gettext_lazy("No warehouse you may write has this code."),
    "duplicate_item": gettext_lazy("This warehouse and SKU already appear earlier in the batch."),
    "too_long": gettext_lazy("This value is too long."),
    "not_an_object": gettext_lazy("Each item must be an object."),
    "empty_batch": gettext_lazy("The batch has no items."),
    "too_many_items": gettext_lazy("A batch has at most 10,000 items."),
    "not_a_list": gettext_lazy("A list of items is expected."),
}


def _error(index, field_name, code, message=None) -> ItemError:
    return ItemError(index, field_name, code, str(message or MESSAGES[code]))


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number.as_tuple().exponent < -3 or abs(number) > MAX_QUANTITY:
        return None
    return number.quantize(Decimal("0.001"))


def _text(raw: dict, name: str, index: int, errors: list, *, max_length=64) -> str | None:
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(_error(index, name, "required"))
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        errors.append(_error(index, name, "malformed"))
        return None
    value = str(value).strip()
    if len(value) > max_length:
        errors.append(_error(index, name, "too_long"))
        return None
    return value


def _parse_batch(items, *, kind: str, now: datetime) -> tuple[list[dict], list[ItemError]]:
    """Shape and value checks of every item, no database."""
    errors: list[ItemError] = []
    if not isinstance(items, list):
        return [], [_error(None, None, "not_a_list")]
    if not items:
        return [], [_error(None, None, "empty_batch")]
    if len(items) > MAX_BATCH_ITEMS:
        return [], [_error(None, None, "too_many_items")]
    parsed = []
    for index, raw in enumerate(items):
        if not isinstance(raw, dict):
            errors.append(_error(index, None, "not_an_object"))
            continue
        before = len(errors)
        item = {
            "index": index,
            "warehouse": _text(raw, "warehouse", index, errors, max_length=32),
            "sku": _text(raw, "sku", index, errors),
        }
        if kind == "set":
            item["quantity"] = _number(raw, "quantity", index, errors, not_negative=True)
            item["as_of"] = _as_of(raw, index, errors, now=now)
        else:
            item["delta"] = _number(raw, "delta", index, errors)
            reason = raw.get("reason")
            if reason is None or (isinstance(reason, str) and not reason.strip()):
                errors.append(_error(index, "reason", "required"))
            elif not isinstance(reason, str):
                errors.append(_error(index, "reason", "malformed"))
            elif len(reason) > MAX_REASON:
                errors.append(_error(index, "reason", "too_long"))
            else:
                item["reason"] = reason.strip()
            item["expected_quantity"] = None
            if raw.get("expected_quantity") is not None:
                item["expected_quantity"] = _number(
                    raw, "expected_quantity", index, errors, not_negative=True
                )
        if len(errors) == before:
            parsed.append(item)
        else:
            item["invalid"] = True
            parsed.append(item)
    return parsed, errors


def _number(raw, name, index, errors, *, not_negative=False) -> Decimal | None:
    if raw.get(name) is None or raw.get(name) == "":
        errors.append(_error(index, name, "required"))
        return None
    number = _decimal(raw[name])
    if number is None:
        errors.append(_error(index, name, "not_a_number"))
        return None
    if not_negative and number < 0:
        errors.append(_error(index, name, "negative_quantity"))
        return None
    return number


def _as_of(raw, index, errors, *, now) -> datetime | None:
    value = raw.get("as_of")
    if value is None or value == "":
        errors.append(_error(index, "as_of", "required"))
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        errors.append(_error(index, "as_of", "malformed"))
        return None
    if timezone.is_naive(parsed):
        errors.append(_error(index, "as_of", "naive_datetime"))
        return None
    if parsed > now + AS_OF_TOLERANCE:
        errors.append(_error(index, "as_of", "future_as_of"))
        return None
    return parsed


def _validate(actor: Actor, items, *, kind: str, now: datetime) -> list[_Item]:
    """Every error of the batch at once (two queries: warehouses, products)."""
    parsed, errors = _parse_batch(items, kind=kind, now=now)
    if any(e.index is None for e in errors):
        raise StockBatchInvalid(errors)
    codes = {p["warehouse"] for p in parsed if p.get("warehouse")}
    skus = {p["sku"] for p in parsed if p.get("sku")}
    # A dealer key sees only its own warehouses: another dealer's is "unknown", exactly as
    # one that does not exist.
    warehouses = (
        {w.code: w for w in Warehouse.objects.visible_to(actor).filter(code__in=codes)}
        if codes
        else {}
    )
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)} if skus else {}
    result, seen = [], set()
    for p in parsed:
        index = p["index"]
        warehouse = warehouses.get(p["warehouse"]) if p.get("warehouse") else None
        product = products.get(p["sku"]) if p.get("sku") else None
        if p.get("warehouse") and warehouse is None:
            errors.append(_error(index, "warehouse", "unknown_warehouse"))
        if p.get("sku") and product is None:
            errors.append(_error(index, "sku", "unknown_sku"))
        if warehouse is not None and product is not None:
            if (warehouse.pk, product.pk) in seen:
                errors.append(_error(index, "sku", "duplicate_item"))
                continue
            seen.add((warehouse.pk, product.pk))
        if p.get("invalid") or warehouse is None or product is None:
            continue
        result.append(
            _Item(
                index=index,
                warehouse=warehouse,
                product=product,
                quantity=p.get("quantity"),
                as_of=p.get("as_of"),
                delta=p.get("delta"),
                reason=p.get("reason", ""),
                expected_quantity=p.get("expected_quantity"),
            )
        )
    if errors:
        errors.sort(key=lambda e: -1 if e.index is None else e.index)
        raise StockBatchInvalid(errors)
    return result


# -- application ----------------------------------------------------------------------------


def _source_label(actor: Actor, source: str | None) -> str:
    return (source or actor.label)[:200]


def _after_commit(*, product_ids: set[int], warehouse_ids: set[int]) -> None:
    """Queue the alert evaluation once the batch is committed. A broker outage must not
    turn a committed batch into an error for the caller: the hourly run catches up."""
    from inventory import tasks

    products, warehouses = sorted(product_ids), sorted(warehouse_ids)

    def enqueue():
        try:
            tasks.stock_alerts_evaluate_batch.delay(product_ids=products, warehouse_ids=warehouses)
        except Exception:
            logger.exception("inventory: could not queue the alert evaluation")

    transaction.on_commit(enqueue)


@transaction.atomic
def stock_levels_apply_sets(
    *, actor, items, source: str | None = None, request_id: str | None = None, now=None
) -> BatchResult:
    """Apply absolute counts (``warehouse``, ``sku``, ``quantity``, ``as_of``).

    All or nothing: :class:`StockBatchInvalid` lists every error and nothing is written.
    An item is applied only when its ``as_of`` is later than the level's (see
    :func:`inventory.calculations.set_outcome`); each applied item writes one ``set``
    movement. Statements: 2 reads to validate, then insert missing levels, lock the levels
    (primary-key order), update, insert movements, mark the warehouses synced — whatever
    the size of the batch.
    """
    actor = actor_from(actor)
    now = now or timezone.now()
    parsed = _validate(actor, items, kind="set", now=now)
    request_id = request_id or uuid.uuid4().hex
    pairs = [item.pair for item in parsed]
    bulk.levels_ensure(pairs, now=now)
    levels = bulk.levels_lock(pairs)
    result = BatchResult(request_id=request_id)
    changes, movements = [], []
    label = _source_label(actor, source)
    for item in parsed:
        level = levels[item.pair]
        outcome = calculations.set_outcome(
            current_quantity=level.quantity,
            current_as_of=level.as_of,
            quantity=item.quantity,
            as_of=item.as_of,
        )
        if outcome.outcome == calculations.APPLIED:
            changes.append((level.pk, outcome.quantity, item.as_of))
        if outcome.outcome == calculations.APPLIED and outcome.delta:
            # a count that confirms the quantity advances as_of but adds nothing to the ledger
            movements.append(
                StockMovement(
                    level_id=level.pk,
                    kind=StockMovement.Kind.SET,
                    delta=outcome.delta,
                    quantity_after=outcome.quantity,
                    as_of=item.as_of,
                    source=label,
                    request_id=request_id,
                    created_at=now,
                )
            )
        result.items.append(
            ItemResult(
                item.index, item.warehouse.code, item.product.sku, outcome.outcome, outcome.quantity
            )
        )
    bulk.levels_update(changes, now=now)
    StockMovement.objects.bulk_create(movements)
    warehouse_ids = {item.warehouse.pk for item in parsed}
    Warehouse.objects.filter(pk__in=warehouse_ids).update(last_synced_at=now)
    if changes:
        _after_commit(product_ids={item.product.pk for item in parsed}, warehouse_ids=warehouse_ids)
    return result


@transaction.atomic
def stock_levels_apply_adjustments(
    *, actor, items, source: str | None = None, request_id: str | None = None, now=None
) -> BatchResult:
    """Apply deltas (``warehouse``, ``sku``, ``delta``, ``reason``, optional
    ``expected_quantity``) under row locks, so concurrent adjustments never lose an update.

    All or nothing: besides the checks of every batch, an item whose ``expected_quantity``
    differs from the current quantity fails with ``quantity_mismatch``, and one that would
    make the quantity negative with ``negative_result``. A zero delta is ``unchanged``.
    The level's ``as_of`` is left as it is.
    """
    actor = actor_from(actor)
    now = now or timezone.now()
    parsed = _validate(actor, items, kind="adjust", now=now)
    request_id = request_id or uuid.uuid4().hex
    pairs = [item.pair for item in parsed]
    bulk.levels_ensure(pairs, now=now)
    levels = bulk.levels_lock(pairs)
    result = BatchResult(request_id=request_id)
    changes, movements, errors = [], [], []
    label = _source_label(actor, source)
    for item in parsed:
        level = levels[item.pair]
        if item.expected_quantity is not None and item.expected_quantity != level.quantity:
            errors.append(
                _error(
                    item.index,
                    "expected_quantity",
                    "quantity_mismatch",
                    _("The current quantity is %(quantity)s.") % {"quantity": level.quantity},
                )
            )
            continue
        after = level.quantity + item.delta
        if after < 0:
            errors.append(
                _error(
                    item.index,
                    "delta",
                    "negative_result",
                    _("This would make the quantity negative (current quantity %(quantity)s).")
                    % {"quantity": level.quantity},
                )
            )
            continue
        outcome = calculations.APPLIED if item.delta else calculations.UNCHANGED
        if item.delta:
            changes.append((level.pk, after, None))
            movements.append(
                StockMovement(
                    level_id=level.pk,
                    kind=StockMovement.Kind.ADJUST,
                    delta=item.delta,
                    quantity_after=after,
                    reason=item.reason,
                    source=label,
                    request_id=request_id,
                    created_at=now,
                )
            )
        result.items.append(
            ItemResult(item.index, item.warehouse.code, item.product.sku, outcome, after)
        )
    if errors:
        # Raising rolls back the levels created above: nothing of the batch stays.
        raise StockBatchInvalid(errors)
    bulk.levels_update(changes, now=now)
    StockMovement.objects.bulk_create(movements)
    warehouse_ids = {item.warehouse.pk for item in parsed}
    Warehouse.objects.filter(pk__in=warehouse_ids).update(last_synced_at=now)
    if changes:
        _after_commit(product_ids={item.product.pk for item in parsed}, warehouse_ids=warehouse_ids)
    return result


@dataclass
class PreviewItem:
    index: int
    warehouse: str
    sku: str
    product_name: str
    current_quantity: Decimal | None
    quantity: Decimal
    as_of: datetime
    outcome: str


def stock_sets_preview(*, actor, items, now=None) -> list[PreviewItem]:
    """What :func:`stock_levels_apply_sets` would do with ``items`` now, without writing
    (the upload preview). Raises :class:`StockBatchInvalid` exactly as applying would."""
    actor = actor_from(actor)
    now = now or timezone.now()
    parsed = _validate(actor, items, kind="set", now=now)
    current = {
        (level.warehouse_id, level.product_id): level
        for level in StockLevel.objects.filter(
            warehouse_id__in={i.warehouse.pk for i in parsed},
            product_id__in={i.product.pk for i in parsed},
        )
    }
    preview = []
    for item in parsed:
        level = current.get(item.pair)
        outcome = calculations.set_outcome(
            current_quantity=level.quantity if level else Decimal("0"),
            current_as_of=level.as_of if level else None,
            quantity=item.quantity,
            as_of=item.as_of,
        )
        preview.append(
            PreviewItem(
                index=item.index,
                warehouse=item.warehouse.code,
                sku=item.product.sku,
                product_name=item.product.name,
                current_quantity=level.quantity if level else None,
                quantity=item.quantity,
                as_of=item.as_of,
                outcome=outcome.outcome,
            )
        )
    return preview


# -- uploads --------------------------------------------------------------------------------


def stock_upload_create(
    *, user, filename: str, items: list[dict], rows: list[int], file_errors=()
) -> StockUpload:
    """Store a parsed upload with every error by row (validated exactly as an API batch);
    confirming applies exactly these items (:func:`stock_upload_confirm`)."""
    actor = actor_from(user)
    errors = [dict(e) for e in file_errors]
    if not errors:
        try:
            stock_sets_preview(actor=actor, items=items)
        except StockBatchInvalid as exc:
            errors = [
                {
                    "row": rows[e.index] if e.index is not None else None,
                    "field": e.field,
                    "code": e.code,
                    "message": e.message,
                }
                for e in exc.errors
            ]
    return StockUpload.objects.create(
        dealer_id=actor.dealer_id,
        uploaded_by=user,
        filename=filename[:200],
        items=items,
        rows=rows,
        errors=errors,
    )


class UploadNotConfirmable(Exception):
    pass


@transaction.atomic
def stock_upload_confirm(*, upload_id: int, user) -> BatchResult:
    """Apply a previewed upload once, through :func:`stock_levels_apply_sets`.

    The upload row is locked, so a double click cannot apply it twice; an upload with
    errors, or already applied, is refused (:class:`UploadNotConfirmable`)."""
    upload = StockUpload.objects.select_for_update().get(pk=upload_id, uploaded_by=user)
    if upload.status != StockUpload.Status.PREVIEW or upload.errors:
        raise UploadNotConfirmable(_("This upload cannot be confirmed."))
    result = stock_levels_apply_sets(
        actor=user,
        items=upload.items,
        source=f"upload:{upload.pk}",
        request_id=f"upload-{upload.pk}",
    )
    upload.status = StockUpload.Status.APPLIED
    upload.applied_at = timezone.now()
    upload.result = result.counts
    upload.save(update_fields=["status", "applied_at", "result"])
    return result


# -- alerts ---------------------------------------------------------------------------------


@dataclass
class AlertChanges:
    opened: list[StockAlert] = field(default_factory=list)
    resolved: int = 0


def _open_alert(**fields) -> StockAlert | None:
    """Open an alert unless one is open already (the partial unique constraint decides,
    so concurrent evaluations open it once)."""
    try:
        with transaction.atomic():
            return StockAlert.objects.create(**fields)
    except IntegrityError:
        return None


def stock_alerts_evaluate(*, product_ids=None, now=None) -> AlertChanges:
    """Compare each reorder rule's region subtree with its days of cover: open ``low`` or
    ``over`` alerts once, resolve the ones whose condition no longer holds, and notify the
    region's channel managers of each newly opened alert (after commit)."""
    from inventory.selectors import stock_by_region_product

    now = now or timezone.now()
    rules = ReorderRule.objects.select_related("product", "region")
    if product_ids is not None:
        rules = rules.filter(product_id__in=list(product_ids))
    rules = list(rules)
    changes = AlertChanges()
    if not rules:
        return changes
    rows = stock_by_region_product(
        product_ids={r.product_id for r in rules},
        region_codes={r.region.code for r in rules},
        now=now,
    )
    figures = {(row.region.code, row.product.pk): row for row in rows}
    open_alerts = {
        (a.region_id, a.product_id): a
        for a in StockAlert.objects.open().filter(
            kind__in=[StockAlert.Kind.LOW, StockAlert.Kind.OVER],
            product_id__in={r.product_id for r in rules},
            region_id__in={r.region_id for r in rules},
        )
    }
    to_resolve = []
    for rule in rules:
        row = figures.get((rule.region.code, rule.product_id))
        quantity = row.quantity if row else Decimal("0")
        cover = row.days_of_cover if row else None
        status = calculations.cover_status(
            quantity=quantity,
            cover=cover,
            min_days=rule.min_days_cover,
            max_days=rule.max_days_cover,
        )
        wanted = status if status in ("low", "over") else None
        current = open_alerts.get((rule.region_id, rule.product_id))
        if current is not None and current.kind != wanted:
            to_resolve.append(current.pk)
        if wanted and (current is None or current.kind != wanted):
            with transaction.atomic():
                if current is not None:
                    StockAlert.objects.filter(pk=current.pk).update(resolved_at=now)
                    to_resolve.remove(current.pk)
                    changes.resolved += 1
                alert = _open_alert(
                    kind=wanted,
                    region=rule.region,
                    product=rule.product,
                    quantity=quantity,
                    days_of_cover=cover,
                    opened_at=now,
                )
            if alert is not None:
                changes.opened.append(alert)
    if to_resolve:
        changes.resolved += StockAlert.objects.filter(
            pk__in=to_resolve, resolved_at__isnull=True
        ).update(resolved_at=now)
    _notify(changes.opened)
    return changes


def stock_stale_flags_evaluate(*, now=None, warehouse_ids=None) -> AlertChanges:
    """Flag active warehouses not synced within 7 days (``stale_data``, opened once) and
    resolve the flags of warehouses synced since."""
    now = now or timezone.now()
    changes = AlertChanges()
    warehouses = Warehouse.objects.select_related("region")
    if warehouse_ids is not None:
        warehouses = warehouses.filter(pk__in=list(warehouse_ids))
    stale = {w.pk: w for w in warehouses.stale(now=now)}
    open_flags = StockAlert.objects.open().filter(kind=StockAlert.Kind.STALE)
    if warehouse_ids is not None:
        open_flags = open_flags.filter(warehouse_id__in=list(warehouse_ids))
    flagged = set(open_flags.values_list("warehouse_id", flat=True))
    changes.resolved = (
        open_flags.exclude(warehouse_id__in=list(stale)).update(resolved_at=now)
        if flagged - set(stale)
        else 0
    )
    for pk, warehouse in stale.items():
        if pk in flagged:
            continue
        alert = _open_alert(
            kind=StockAlert.Kind.STALE, region=warehouse.region, warehouse=warehouse, opened_at=now
        )
        if alert is not None:
            changes.opened.append(alert)
    _notify(changes.opened)
    return changes


def _notify(alerts: list[StockAlert]) -> None:
    from dealers.selectors import region_channel_managers
    from portal.notifications import in_language_of, notification_send

    for alert in alerts:
        for manager in region_channel_managers(alert.region):
            with in_language_of(manager):
                if alert.kind == StockAlert.Kind.STALE:
                    title = _("Stale stock data: %(warehouse)s") % {
                        "warehouse": alert.warehouse.code
                    }
                    body = _("Warehouse %(warehouse)s has not been synced for 7 days.") % {
                        "warehouse": alert.warehouse
                    }
                else:
                    title = _("%(kind)s: %(sku)s in %(region)s") % {
                        "kind": alert.get_kind_display(),
                        "sku": alert.product.sku,
                        "region": alert.region.code,
                    }
                    body = _("Quantity %(quantity)s, days of cover %(cover)s.") % {
                        "quantity": alert.quantity,
                        "cover": alert.days_of_cover if alert.days_of_cover is not None else "—",
                    }
                notification_send(
                    recipients=[manager],
                    kind=f"stock_{alert.kind}",
                    title=title,
                    body=body,
                    url=f"/stock/regions/{alert.region.code}/",
                )


def stock_alerts_evaluate_periodic(*, now=None, dry_run: bool = False) -> dict:
    """Every reorder rule and every warehouse, recorded as a job run. Each part commits on
    its own; re-running is harmless (alerts open once)."""
    from portal.jobs import job_run

    now = now or timezone.now()
    with job_run("evaluate_stock_alerts", params={"now": now.isoformat()}, dry_run=dry_run) as run:
        run.set_total(2)
        with transaction.atomic():
            alerts = stock_alerts_evaluate(now=now)
            if dry_run:
                transaction.set_rollback(True)
        run.advance(opened=len(alerts.opened), resolved=alerts.resolved)
        with transaction.atomic():
            stale = stock_stale_flags_evaluate(now=now)
            if dry_run:
                transaction.set_rollback(True)
        run.advance(stale_opened=len(stale.opened), stale_resolved=stale.resolved)
        return run.counts
