"""Stock moved between warehouses by a transfer (DOMAIN.md §16): one level loses ``q``
(ledger kind ``transfer_out``), later another gains it (``transfer_in``).

The level is locked like the sync path locks levels (:func:`inventory.bulk.levels_lock`,
primary-key order), so a transfer step and a concurrent sync or adjustment on the same level
queue behind each other and the ledger invariant of §5.1 holds.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory import bulk
from inventory.models import StockMovement


class TransferQuantityUnavailable(Exception):
    """The source level holds less than the quantity to ship."""

    code = "insufficient_stock"

    def __init__(self, *, available: Decimal):
        self.available = available
        super().__init__(
            _("The source warehouse holds only %(quantity)s of this product.")
            % {"quantity": available}
        )


@transaction.atomic
def stock_level_transfer(
    *,
    warehouse_id: int,
    product_id: int,
    quantity: Decimal,
    direction: str,
    source: str,
    request_id: str,
    reason: str = "",
    now=None,
) -> Decimal:
    """Move ``quantity`` (> 0) out of (``direction="out"``) or into (``"in"``) one level,
    with its ledger row; returns the level's new quantity. The level's ``as_of`` is kept
    (a transfer is a movement, not a count). Raises :class:`TransferQuantityUnavailable`
    when shipping more than the level holds (nothing changes)."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    if direction not in ("out", "in"):
        raise ValueError("direction is 'out' or 'in'")
    now = now or timezone.now()
    pair = (warehouse_id, product_id)
    bulk.levels_ensure([pair], now=now)
    level = bulk.levels_lock([pair])[pair]
    delta = -quantity if direction == "out" else quantity
    after = level.quantity + delta
    if after < 0:
        raise TransferQuantityUnavailable(available=level.quantity)
    bulk.levels_update([(level.pk, after, None)], now=now)
    StockMovement.objects.create(
        level_id=level.pk,
        kind=StockMovement.Kind.TRANSFER_OUT if direction == "out" else StockMovement.Kind.TRANSFER_IN,
        delta=delta,
        quantity_after=after,
        reason=reason[:200],
        source=source[:200],
        request_id=request_id[:64],
        created_at=now,
    )
    return after
