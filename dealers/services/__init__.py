"""Writes of the dealers app: ``<entity>_<verb>(*, ...)``, each one transaction.

Rules: DOMAIN.md §2 (territories), §3 (applications, agreements, lifecycle), §4 (tiers).
Side effects (e-mail) only after commit. One module per sub-domain; the public names are
re-exported here, so callers keep ``from dealers import services``.
"""

from dealers.services.agreements import (
    agreement_activate,
    agreement_missing_terms,
    agreement_sign,
    agreement_terminate,
)
from dealers.services.applications import (
    APPLICATION_FIELDS,
    application_approve,
    application_reject,
    application_score,
    application_start_review,
    application_submit,
    document_check,
)
from dealers.services.lifecycle import (
    dealer_give_notice,
    dealer_reinstate,
    dealer_suspend,
    dealer_terminate,
)
from dealers.services.members import member_invite, member_remove, member_role_set
from dealers.services.territories import (
    TERRITORY_FIELDS,
    territory_describe,
    territory_end,
    territory_grant,
    territory_update,
)
from dealers.services.tiers import certification_record, tier_evaluate, tier_evaluate_now, tier_set

__all__ = [
    "APPLICATION_FIELDS",
    "TERRITORY_FIELDS",
    "agreement_activate",
    "agreement_missing_terms",
    "agreement_sign",
    "agreement_terminate",
    "application_approve",
    "application_reject",
    "application_score",
    "application_start_review",
    "application_submit",
    "certification_record",
    "dealer_give_notice",
    "dealer_reinstate",
    "dealer_suspend",
    "dealer_terminate",
    "document_check",
    "member_invite",
    "member_remove",
    "member_role_set",
    "territory_describe",
    "territory_end",
    "territory_grant",
    "territory_update",
    "tier_evaluate",
    "tier_evaluate_now",
    "tier_set",
]
