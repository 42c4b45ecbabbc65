"""Writes of the commissions app: plans, sale-line ingestion, statements, threshold bonuses.

Every function is keyword-only and atomic; the arithmetic is ``commissions.calculations``.
One module per sub-domain; the public names are re-exported here, so callers keep using
``commissions.services.<name>``.
"""

from commissions import selectors
from commissions.services.bonuses import threshold_bonuses_book
from commissions.services.credits import book_credit, draft_for_booking
from commissions.services.decisions import (
    statement_adjustment_add,
    statement_approve,
    statement_mark_paid,
    statement_refresh,
)
from commissions.services.ingest import (
    COMPARED,
    FUTURE_TOLERANCE,
    MAX_BATCH,
    BatchRejected,
    IngestOutcome,
    sale_lines_ingest,
)
from commissions.services.plans import (
    FINANCE,
    commission_plan_save,
    plan_steps_validate,
    require_finance,
)
from commissions.services.statements import BuildOutcome, statements_build
from portal.errors import StaleFigures

__all__ = [
    "COMPARED",
    "FINANCE",
    "FUTURE_TOLERANCE",
    "MAX_BATCH",
    "BatchRejected",
    "BuildOutcome",
    "IngestOutcome",
    "StaleFigures",
    "book_credit",
    "commission_plan_save",
    "draft_for_booking",
    "plan_steps_validate",
    "require_finance",
    "sale_lines_ingest",
    "selectors",
    "statement_adjustment_add",
    "statement_approve",
    "statement_mark_paid",
    "statement_refresh",
    "statements_build",
    "threshold_bonuses_book",
]
