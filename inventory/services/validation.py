"""Validation of a stock batch (DOMAIN.md §5.2): every item's shape and values, then the
warehouses and products it names; every error is listed at once, nothing is applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy

from dealers.models import Product
from inventory.models import Warehouse
from portal.access import Actor
from portal.inputs import InputError, parse_datetime_input, parse_decimal_input

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


@dataclass(frozen=True, slots=True)
class WarehouseRef:
    """What a batch needs of a warehouse (read with ``values_list``, no model objects)."""

    pk: int
    code: str
    dealer_id: int | None = None  # None: a manufacturer warehouse


@dataclass(frozen=True, slots=True)
class ProductRef:
    pk: int
    sku: str
    name: str


@dataclass(slots=True)
class _Item:
    index: int
    warehouse: WarehouseRef
    product: ProductRef
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
    try:  # the column's bounds: numeric(14, 3)
        return parse_decimal_input(value, max_digits=14, decimal_places=3)
    except InputError:
        return None


def _text(raw: dict, name: str, index: int, errors: list, *, max_length=64) -> str | None:
    value = raw.get(name)
    if type(value) is str:  # the usual case, first (10,000 items, two fields each)
        value = value.strip()
        if value and len(value) <= max_length:
            return value
        errors.append(_error(index, name, "too_long" if value else "required"))
        return None
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
    # a batch repeats its values (one count time, few distinct quantities): each distinct
    # raw value is parsed once per batch
    memo: dict = {}
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
            item["quantity"] = _number(
                raw, "quantity", index, errors, not_negative=True, memo=memo
            )
            item["as_of"] = _as_of(raw, index, errors, now=now, memo=memo)
        else:
            item["delta"] = _number(raw, "delta", index, errors, memo=memo)
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


def _memoised(memo: dict | None, kind: str, value, parse):
    """``parse(value)`` once per distinct (type, value) of a batch; an exception is raised
    again for each item."""
    if memo is None:
        return parse(value)
    key = (kind, type(value), value)
    try:
        hit = memo[key]
    except KeyError:
        try:
            hit = memo[key] = (True, parse(value))
        except InputError as exc:
            hit = memo[key] = (False, exc)
    except TypeError:  # unhashable (a list or an object): not memoised
        return parse(value)
    if hit[0]:
        return hit[1]
    raise hit[1]


def _number(raw, name, index, errors, *, not_negative=False, memo=None) -> Decimal | None:
    if raw.get(name) is None or raw.get(name) == "":
        errors.append(_error(index, name, "required"))
        return None
    number = _memoised(memo, "decimal", raw[name], _decimal)
    if number is None:
        errors.append(_error(index, name, "not_a_number"))
        return None
    if not_negative and number < 0:
        errors.append(_error(index, name, "negative_quantity"))
        return None
    return number


def _as_of(raw, index, errors, *, now, memo=None) -> datetime | None:
    value = raw.get("as_of")
    if value is None or value == "":
        errors.append(_error(index, "as_of", "required"))
        return None
    try:
        parsed = (
            _memoised(memo, "datetime", value, parse_datetime_input)
            if isinstance(value, str)
            else None
        )
    except InputError as exc:
        if exc.code == "invalid_datetime":
            parsed = None
        else:
            errors.append(_error(index, "as_of", exc.code, exc.message))
            return None
    if parsed is None:
        errors.append(_error(index, "as_of", "malformed"))
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
        {
            code: WarehouseRef(pk, code, dealer_id)
            for pk, code, dealer_id in Warehouse.objects.visible_to(actor)
            .filter(code__in=codes)
            .values_list("pk", "code", "dealer_id")
        }
        if codes
        else {}
    )
    products = (
        {
            sku: ProductRef(pk, sku, name)
            for pk, sku, name in Product.objects.filter(sku__in=skus).values_list(
                "pk", "sku", "name"
            )
        }
        if skus
        else {}
    )
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
