"""Pure functions of the dealers app: no ORM, plain values in and out.

- the unified social credit code's check character (DOMAIN.md §3.1),
- document type sniffing by content (§3.1),
- the application's weighted score and recommendation (§3.1),
- tier eligibility (§4; its quarters are ``portal.periods.Quarter``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The §3.1 file rule is shared with ticket attachments (re-exported for dealers' callers).
from portal.files import DOCUMENT_EXTENSIONS, MAX_DOCUMENT_BYTES, sniff_document_type  # noqa: F401

# --- Unified social credit code (GB 32100-2015) ------------------------------------------
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17: str) -> str:
    """The 18th character for the first 17: 31 − (Σ value×weight mod 31), 31 → 0."""
    if len(first17) != 17 or any(c not in CREDIT_CODE_ALPHABET for c in first17):
        raise ValueError("17 characters of the credit-code alphabet expected")
    total = sum(
        CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_is_valid(code: str) -> bool:
    """18 characters of the alphabet, and the last is the check character of the rest."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(c not in CREDIT_CODE_ALPHABET for c in code):
        return False
    return credit_code_check_character(code[:17]) == code[17]


def validate_credit_code(value: str) -> None:
    """Model/form validator with a clear code for each way a credit code can be wrong."""
    if not isinstance(value, str) or len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters."), code="invalid_length"
        )
    bad = sorted({c for c in value if c not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationError(
            _("Characters not allowed in a unified social credit code: %(chars)s"),
            code="invalid_characters",
            params={"chars": " ".join(bad)},
        )
    if not credit_code_is_valid(value):
        raise ValidationError(
            _("The check character does not match: please check the code for typos."),
            code="invalid_check_character",
        )


# --- Application scoring ----------------------------------------------------------------
#: seed 004: 资金实力, 业务能力, 市场能力, 服务能力
APPLICATION_SCORE_WEIGHTS: dict[str, Decimal] = {
    "capital": Decimal("0.30"),
    "sales": Decimal("0.30"),
    "market": Decimal("0.20"),
    "service": Decimal("0.20"),
}
RECOMMEND_APPROVE_FROM = Decimal("3.50")
RECOMMEND_REVIEW_FROM = Decimal("2.50")


def application_weighted_score(
    scores: Mapping[str, int | None], weights: Mapping[str, Decimal] = APPLICATION_SCORE_WEIGHTS
) -> Decimal | None:
    """Σ score × weight ÷ Σ weights, to 2 places (half up); None until all four are scored."""
    if any(scores.get(name) is None for name in weights):
        return None
    total_weight = sum(weights.values(), Decimal("0"))
    weighted = sum((Decimal(scores[name]) * w for name, w in weights.items()), Decimal("0"))
    return (weighted / total_weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def application_recommendation(weighted: Decimal | None) -> str | None:
    """``approve`` from 3.50, ``review`` (discuss further) from 2.50, else ``reject``."""
    if weighted is None:
        return None
    if weighted >= RECOMMEND_APPROVE_FROM:
        return "approve"
    if weighted >= RECOMMEND_REVIEW_FROM:
        return "review"
    return "reject"


# --- Tiers ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TierRequirements:
    code: str
    rank: int
    min_certified_users: int
    min_trailing_sales: Decimal
    min_score: Decimal


@dataclass(frozen=True)
class TierFigures:
    """What a dealer achieved. ``certified_users_by_rank[r]``: users holding a valid
    certification at level rank ≥ r. ``score`` None: no score available (not assessed)."""

    certified_users_by_rank: Mapping[int, int]
    trailing_sales: Decimal
    score: Decimal | None


@dataclass(frozen=True)
class RequirementCheck:
    name: str  # certified_users | trailing_sales | score
    required: Decimal | int
    actual: Decimal | int | None
    met: bool

    @property
    def state(self) -> str:
        """``met``, ``not_met`` or ``not_applicable`` (no figure to judge — no score yet — or
        nothing required): what the dealer is shown. A requirement that is not applicable
        is never shown as met, even where eligibility does not hold it against the dealer."""
        if self.actual is None or not self.required:
            return "not_applicable"
        return "met" if self.met else "not_met"

    @property
    def missing(self) -> Decimal | int | None:
        if self.state != "not_met":
            return None
        return self.required - self.actual


def tier_requirement_checks(tier: TierRequirements, figures: TierFigures) -> list[RequirementCheck]:
    certified = figures.certified_users_by_rank.get(tier.rank, 0)
    checks = [
        RequirementCheck(
            "certified_users",
            tier.min_certified_users,
            certified,
            certified >= tier.min_certified_users,
        ),
        RequirementCheck(
            "trailing_sales",
            tier.min_trailing_sales,
            figures.trailing_sales,
            figures.trailing_sales >= tier.min_trailing_sales,
        ),
    ]
    if tier.min_score > 0:
        # A missing score is not held against the dealer (no tickets, no review yet).
        met = figures.score is None or figures.score >= tier.min_score
        checks.append(RequirementCheck("score", tier.min_score, figures.score, met))
    return checks


def tier_requirements_met(tier: TierRequirements, figures: TierFigures) -> bool:
    return all(check.met for check in tier_requirement_checks(tier, figures))


def eligible_tier(tiers: Sequence[TierRequirements], figures: TierFigures) -> TierRequirements:
    """The highest tier whose requirements are all met; the entry (lowest-rank) tier
    always qualifies."""
    ordered = sorted(tiers, key=lambda t: t.rank)
    if not ordered:
        raise ValueError("no tiers")
    best = ordered[0]
    for tier in ordered[1:]:
        if tier_requirements_met(tier, figures):
            best = tier
    return best


@dataclass(frozen=True)
class TierDecision:
    new_rank: int
    outcome: str  # promoted | kept | grace | demoted


def tier_decision(*, current_rank: int, eligible_rank: int, previous_below: bool) -> TierDecision:
    """Promotion at once; demotion only on the second consecutive evaluation below the
    current tier (the first is the grace quarter), down to the tier now eligible."""
    if eligible_rank > current_rank:
        return TierDecision(eligible_rank, "promoted")
    if eligible_rank == current_rank:
        return TierDecision(current_rank, "kept")
    if previous_below:
        return TierDecision(eligible_rank, "demoted")
    return TierDecision(current_rank, "grace")


def grants_conflict(
    a_region: str,
    a_start: datetime.date,
    a_end: datetime.date | None,
    a_exclusive: bool,
    b_region: str,
    b_start: datetime.date,
    b_end: datetime.date | None,
    b_exclusive: bool,
) -> bool:
    """DOMAIN.md §2 for two grants of the same product line, by region code: regions nest
    (equal, or one an ancestor of the other), dates meet (ends inclusive, None = open) and
    at least one is exclusive. The database query in ``selectors.territory_conflicts`` is
    tested against this."""

    def nests(x: str, y: str) -> bool:
        return x == y or y.startswith(x + "-")

    regions = nests(a_region, b_region) or nests(b_region, a_region)
    dates = (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)
    return regions and dates and (a_exclusive or b_exclusive)
