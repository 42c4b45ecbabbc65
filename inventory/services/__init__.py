"""Inventory writes (DOMAIN.md §5.2–5.3).

The sync contract: a batch is validated as a whole first (every error listed, nothing
applied), then applied under row locks with a constant number of SQL statements. Every
change of a level writes a ledger row. Alert evaluation runs after commit.

One module per sub-domain (``validation``, ``sync``, ``uploads``, ``alerts``); the public
names are re-exported here, so callers keep using ``inventory.services.<name>``.
"""

from inventory.services.alerts import (
    AlertChanges,
    stock_alerts_evaluate,
    stock_alerts_evaluate_periodic,
    stock_stale_flags_evaluate,
)
from inventory.services.sync import (
    BatchResult,
    ItemResult,
    PreviewItem,
    stock_levels_apply_adjustments,
    stock_levels_apply_sets,
    stock_sets_preview,
)
from inventory.services.transfers import TransferQuantityUnavailable, stock_level_transfer
from inventory.services.uploads import (
    UploadNotConfirmable,
    stock_upload_confirm,
    stock_upload_create,
)
from inventory.services.validation import (
    AS_OF_TOLERANCE,
    MAX_BATCH_ITEMS,
    MAX_QUANTITY,
    MAX_REASON,
    MESSAGES,
    ItemError,
    StockBatchInvalid,
)

__all__ = [
    "AS_OF_TOLERANCE",
    "MAX_BATCH_ITEMS",
    "MAX_QUANTITY",
    "MAX_REASON",
    "MESSAGES",
    "AlertChanges",
    "BatchResult",
    "ItemError",
    "ItemResult",
    "PreviewItem",
    "StockBatchInvalid",
    "TransferQuantityUnavailable",
    "UploadNotConfirmable",
    "stock_alerts_evaluate",
    "stock_alerts_evaluate_periodic",
    "stock_level_transfer",
    "stock_levels_apply_adjustments",
    "stock_levels_apply_sets",
    "stock_sets_preview",
    "stock_stale_flags_evaluate",
    "stock_upload_confirm",
    "stock_upload_create",
]
