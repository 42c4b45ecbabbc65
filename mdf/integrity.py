"""Integrity checks of marketing funds, run by ``manage.py check_integrity``."""

from mdf.selectors import mdf_ledger_breaks


def mdf_ledger() -> list[str]:
    """Every fund's available and reserved amounts are its ledger's sums (DOMAIN.md §14)."""
    return [
        f"marketing fund {b.dealer}: available {b.available} (ledger {b.ledger_available}), "
        f"reserved {b.reserved} (ledger {b.ledger_reserved})"
        for b in mdf_ledger_breaks()
    ]


CHECKS = [mdf_ledger]
