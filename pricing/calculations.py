"""The arithmetic of DOMAIN.md §13, pure: Decimal and datetime in and out, no ORM.

- :func:`resolve_guide`: the guide of a line — the most specific region containing its
  ship-to region, then the latest ``effective_from`` not after the instant;
- :func:`effective_floor`: the guide's floor, or min(floor, list × (1 − discount)) under an
  approved promotion;
- :func:`is_breach`: a unit price below the effective floor by more than 0.5 % of it;
- :func:`protection_credit`: (old list − new list) × units held, per warehouse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
#: a line this far below its effective floor (a fraction of the floor) is not yet a breach
TOLERANCE = Decimal("0.005")


@dataclass(frozen=True)
class GuideRow:
    """The figures of a guide that resolution needs (``region_code`` None: everywhere)."""

    id: int
    product_id: int
    region_code: str | None
    effective_from: dt.datetime
    list_price: Decimal
    floor_price: Decimal


def ancestors_and_self(code: str) -> list[str]:
    """CN-GD-SZ → [CN, CN-GD, CN-GD-SZ]."""
    parts = code.split("-")
    return ["-".join(parts[: i + 1]) for i in range(len(parts))]


def region_contains(outer: str, inner: str) -> bool:
    return inner == outer or inner.startswith(outer + "-")


def resolve_guide(
    guides: list[GuideRow], *, region_code: str, at: dt.datetime, strictly_before: bool = False
) -> GuideRow | None:
    """The guide of a product for a sale shipped to ``region_code`` at ``at`` (§13): among
    the guides in effect (``effective_from`` ≤ ``at``, or < with ``strictly_before``), those
    of the most specific region containing ``region_code`` (a guide without a region is the
    least specific), then the latest ``effective_from``. ``guides`` are one product's."""
    best: GuideRow | None = None
    best_key = None
    for guide in guides:
        if guide.effective_from > at or (strictly_before and guide.effective_from == at):
            continue
        if guide.region_code is None:
            depth = 0
        elif region_contains(guide.region_code, region_code):
            depth = guide.region_code.count("-") + 1
        else:
            continue
        key = (depth, guide.effective_from, guide.id)
        if best_key is None or key > best_key:
            best, best_key = guide, key
    return best


def effective_floor(*, list_price: Decimal, floor_price: Decimal, discount: Decimal | None):
    """The guide's floor, lowered to the promoted price under an approved ``discount``."""
    if discount is None:
        return floor_price
    promoted = (list_price * (Decimal(1) - discount)).quantize(CENT, ROUND_HALF_UP)
    return min(floor_price, promoted)


def unit_price(*, amount: Decimal, quantity: Decimal) -> Decimal:
    return amount / quantity


def is_breach(*, unit: Decimal, floor: Decimal) -> bool:
    """Below the effective floor by more than 0.5 % of it (900.00 → breach below 895.50)."""
    return floor - unit > floor * TOLERANCE


def at_or_above_floor(*, unit: Decimal, floor: Decimal) -> bool:
    return unit >= floor


def protection_credit(*, old_list: Decimal, new_list: Decimal, units: Decimal) -> Decimal:
    """(old − new) × units, half-up to the cent; nothing when the price did not go down."""
    if new_list >= old_list or units <= 0:
        return ZERO.quantize(CENT)
    return ((old_list - new_list) * units).quantize(CENT, ROUND_HALF_UP)
