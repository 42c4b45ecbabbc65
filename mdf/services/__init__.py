"""Marketing-fund writes (DOMAIN.md §14): the ledger, accrual and expiry, requests, claims,
and the daily job. One module per sub-domain; the public names are re-exported here."""

from mdf.services.claims import claim_approve, claim_reject, claim_submit
from mdf.services.jobs import mdf_daily_run
from mdf.services.ledger import fund_accrue, fund_allocate, fund_expire, fund_open
from mdf.services.requests import request_approve, request_lapse, request_reject, request_submit

__all__ = [
    "claim_approve",
    "claim_reject",
    "claim_submit",
    "fund_accrue",
    "fund_allocate",
    "fund_expire",
    "fund_open",
    "mdf_daily_run",
    "request_approve",
    "request_lapse",
    "request_reject",
    "request_submit",
]
