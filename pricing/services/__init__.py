"""Writes of the pricing app (DOMAIN.md §13), one module per sub-domain, re-exported here:

- ``guides``: price guides, never edited back in time
- ``campaigns``: campaign frameworks, materials, announcements; local promotions and their
  approval
- ``breaches``: the breach check of every sales batch and its ``pricing`` tickets
- ``protection``: price protection credits from the stock ledger
"""

from pricing.services.breaches import judge_lines, price_breaches_check
from pricing.services.campaigns import (
    campaign_create,
    campaign_dealers,
    campaign_material_add,
    promotion_decide,
    promotion_outside,
    promotion_submit,
)
from pricing.services.guides import price_guide_create
from pricing.services.protection import (
    on_hand_at,
    price_protection_book,
    price_protection_book_guide,
    protection_credits,
)

__all__ = [
    "campaign_create",
    "campaign_dealers",
    "campaign_material_add",
    "judge_lines",
    "on_hand_at",
    "price_breaches_check",
    "price_guide_create",
    "price_protection_book",
    "price_protection_book_guide",
    "promotion_decide",
    "promotion_outside",
    "promotion_submit",
    "protection_credits",
]
