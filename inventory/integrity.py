"""Integrity checks of inventory, run by ``manage.py check_integrity`` (portal.integrity)."""

from inventory.selectors import stock_ledger_breaks


def stock_ledger() -> list[str]:
    """Every level's ledger adds up to its quantity (DOMAIN.md §5.1)."""
    return [
        f"stock level {b.level_id} ({b.warehouse} · {b.sku}): quantity {b.quantity}, "
        f"ledger sum {b.ledger_sum}, last quantity-after {b.last_after}"
        for b in stock_ledger_breaks()
    ]


CHECKS = [stock_ledger]
