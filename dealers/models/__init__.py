"""Dealers: regions, product lines, tiers, dealers, memberships, territories, agreements.

The rules are DOMAIN.md §2–4. Writes go through ``dealers.services``.
"""

from dealers.models.agreements import Agreement
from dealers.models.applications import Application, ApplicationDocument
from dealers.models.certifications import (
    Certification,
    CertificationProgram,
    TierChange,
    TierEvaluation,
)
from dealers.models.dealers import Dealer, DealerMembership, Tier
from dealers.models.regions import Product, ProductLine, Region, code_validator
from dealers.models.territories import Territory

__all__ = [
    "Agreement",
    "Application",
    "ApplicationDocument",
    "Certification",
    "CertificationProgram",
    "Dealer",
    "DealerMembership",
    "Product",
    "ProductLine",
    "Region",
    "Territory",
    "Tier",
    "TierChange",
    "TierEvaluation",
    "code_validator",
]
