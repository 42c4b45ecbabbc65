"""Stock sync writes (DOMAIN.md §5.2–5.3): absolute counts and adjustments, and the preview
of a batch of counts.

The sync contract: a batch is validated as a whole first (every error listed, nothing
applied; :mod:`inventory.services.validation`), then applied under row locks with a
constant number of SQL statements. Every change of a level writes a ledger row. Alert
evaluation runs after commit.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory import bulk, calculations
from inventory.models import StockLevel, StockMovement, Warehouse
from inventory.services.validation import MAX_QUANTITY, StockBatchInvalid, _error, _validate
from portal import events
from portal.access import Actor, actor_from

logger = logging.getLogger(__name__)


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


def _record_levels_changed(parsed, result: BatchResult, *, kind: str) -> None:
    """``stock.levels_changed``: one event per sync request and dealer whose levels it
    applied (the warehouses' dealer; the manufacturer's own warehouses: no dealer)."""
    by_index = {item.index: item for item in parsed}
    per_dealer: dict[int | None, list[dict]] = {}
    for outcome in result.items:
        if outcome.outcome != calculations.APPLIED:
            continue
        warehouse = by_index[outcome.index].warehouse
        per_dealer.setdefault(warehouse.dealer_id, []).append(
            # str(): what the payload encoder would make of the Decimal, without its hook
            {"warehouse": outcome.warehouse, "sku": outcome.sku, "quantity": str(outcome.quantity)}
        )
    if per_dealer:
        events.record_many(
            "stock.levels_changed",
            [
                ({"request_id": result.request_id, "kind": kind, "levels": levels}, dealer_id)
                for dealer_id, levels in per_dealer.items()
            ],
        )


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
    the size of the batch (on PostgreSQL one statement when every level exists already:
    :func:`inventory.bulk.sets_apply`).
    """
    actor = actor_from(actor)
    now = now or timezone.now()
    parsed = _validate(actor, items, kind="set", now=now)
    request_id = request_id or uuid.uuid4().hex
    label = _source_label(actor, source)
    if bulk.set_based():
        result = _apply_sets_in_sql(parsed, now=now, label=label, request_id=request_id)
        _record_levels_changed(parsed, result, kind="set")
        return result
    pairs = [item.pair for item in parsed]
    bulk.levels_ensure(pairs, now=now)
    levels = bulk.levels_lock(pairs)
    result = BatchResult(request_id=request_id)
    changes, movements = [], []
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
    _record_levels_changed(parsed, result, kind="set")
    return result


def _apply_sets_in_sql(parsed, *, now, label: str, request_id: str) -> BatchResult:
    """PostgreSQL: lock, decide, update, ledger and warehouses in one statement
    (:func:`inventory.bulk.sets_apply`); the same outcomes as the portable loop above."""
    rows = bulk.sets_apply(
        [
            (item.index, item.warehouse.pk, item.product.pk, item.quantity, item.as_of)
            for item in parsed
        ],
        now=now,
        source=label,
        request_id=request_id,
    )
    by_index = {item.index: item for item in parsed}
    result = BatchResult(request_id=request_id)
    result.items = [
        ItemResult(index, by_index[index].warehouse.code, by_index[index].product.sku, outcome, qty)
        for index, outcome, qty in rows
    ]
    if any(outcome == calculations.APPLIED for _i, outcome, _q in rows):
        _after_commit(
            product_ids={item.product.pk for item in parsed},
            warehouse_ids={item.warehouse.pk for item in parsed},
        )
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
        if after > MAX_QUANTITY:
            errors.append(
                _error(
                    item.index,
                    "delta",
                    "max_digits",
                    _("This would make the quantity larger than %(max)s.") % {"max": MAX_QUANTITY},
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
    _record_levels_changed(parsed, result, kind="adjust")
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
