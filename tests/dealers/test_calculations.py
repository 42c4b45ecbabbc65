"""Pure functions: credit codes, document sniffing, scoring, tier eligibility, quarters."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dealers import calculations as calc
from portal import periods
from portal.periods import Quarter
from tests.dealers.factories import VALID_CODES


@pytest.mark.parametrize("code", VALID_CODES)
def test_the_two_valid_codes_of_the_rulebook(code):
    assert calc.credit_code_is_valid(code)
    calc.validate_credit_code(code)  # no error
    assert calc.credit_code_check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", VALID_CODES)
def test_every_single_character_change_is_invalid(code):
    changed = 0
    for position in range(18):
        for replacement in calc.CREDIT_CODE_ALPHABET:
            if replacement == code[position]:
                continue
            variant = code[:position] + replacement + code[position + 1 :]
            assert not calc.credit_code_is_valid(variant), variant
            changed += 1
    assert changed == 18 * 30


def test_codes_with_wrong_length_or_letters_get_their_own_error_code():
    with pytest.raises(ValidationError) as exc:
        calc.validate_credit_code("91350100M000100Y4")
    assert exc.value.code == "invalid_length"
    with pytest.raises(ValidationError) as exc:
        calc.validate_credit_code("91350100M000100I43")  # I is not in the alphabet
    assert exc.value.code == "invalid_characters"
    with pytest.raises(ValidationError) as exc:
        calc.validate_credit_code("91350100M000100Y44")
    assert exc.value.code == "invalid_check_character"
    assert not calc.credit_code_is_valid("91350100m000100y43")  # lower case is not valid


def test_check_value_31_maps_to_zero():
    # Find a prefix whose weighted sum is 0 mod 31: "00000000000000000" → check 0.
    assert calc.credit_code_check_character("0" * 17) == "0"


@pytest.mark.parametrize(
    "head,expected",
    [
        (b"%PDF-1.7 rest", "application/pdf"),
        (b"\xff\xd8\xff\xdb....", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"GIF89a", None),
        (b"PK\x03\x04", None),  # a zip/docx renamed .pdf
        (b"<html>", None),
        (b"", None),
    ],
)
def test_document_type_is_sniffed_from_content(head, expected):
    assert calc.sniff_document_type(head) == expected


def test_application_weighted_score_and_recommendation():
    scores = {"capital": 4, "sales": 5, "market": 3, "service": 2}
    # 0.3*4 + 0.3*5 + 0.2*3 + 0.2*2 = 1.2 + 1.5 + 0.6 + 0.4 = 3.70
    assert calc.application_weighted_score(scores) == Decimal("3.70")
    assert calc.application_recommendation(Decimal("3.70")) == "approve"
    assert calc.application_recommendation(Decimal("3.49")) == "review"
    assert calc.application_recommendation(Decimal("2.50")) == "review"
    assert calc.application_recommendation(Decimal("2.49")) == "reject"
    assert calc.application_weighted_score({**scores, "service": None}) is None
    assert calc.application_recommendation(None) is None


TIERS = [
    calc.TierRequirements("registered", 0, 0, Decimal("0"), Decimal("0")),
    calc.TierRequirements("junior", 1, 1, Decimal("500000"), Decimal("0")),
    calc.TierRequirements("senior", 2, 3, Decimal("2000000"), Decimal("70")),
    calc.TierRequirements("expert", 3, 5, Decimal("5000000"), Decimal("85")),
]


def figures(users=(0, 0, 0, 0), sales="0", score=None):
    return calc.TierFigures(
        certified_users_by_rank=dict(enumerate(users)),
        trailing_sales=Decimal(sales),
        score=None if score is None else Decimal(score),
    )


def test_eligible_tier_is_the_highest_with_every_requirement_met():
    assert calc.eligible_tier(TIERS, figures()).code == "registered"
    assert calc.eligible_tier(TIERS, figures((1, 1, 0, 0), "500000")).code == "junior"
    assert calc.eligible_tier(TIERS, figures((3, 3, 3, 0), "2000000", "70")).code == "senior"
    # senior sales and users but score below 70 → junior
    assert calc.eligible_tier(TIERS, figures((3, 3, 3, 0), "2000000", "69.99")).code == "junior"
    # expert certifications count for every tier below: 5 expert users
    assert calc.eligible_tier(TIERS, figures((5, 5, 5, 5), "5000000", "85")).code == "expert"
    # a missing score is not held against the dealer
    assert calc.eligible_tier(TIERS, figures((5, 5, 5, 5), "5000000")).code == "expert"
    # junior users but sales one cent short
    assert calc.eligible_tier(TIERS, figures((1, 1, 0, 0), "499999.99")).code == "registered"


def test_requirement_checks_say_what_is_missing():
    checks = calc.tier_requirement_checks(TIERS[2], figures((2, 2, 1, 0), "1500000", "80"))
    by_name = {c.name: c for c in checks}
    assert by_name["certified_users"].missing == 2
    assert by_name["trailing_sales"].missing == Decimal("500000")
    assert by_name["score"].met and by_name["score"].missing is None


@pytest.mark.parametrize(
    "current,eligible,previous_below,expected",
    [
        (0, 2, False, (2, "promoted")),
        (1, 1, True, (1, "kept")),
        (2, 1, False, (2, "grace")),
        (2, 0, True, (0, "demoted")),
    ],
)
def test_tier_decision(current, eligible, previous_below, expected):
    decision = calc.tier_decision(
        current_rank=current, eligible_rank=eligible, previous_below=previous_below
    )
    assert (decision.new_rank, decision.outcome) == expected


def test_quarters():
    assert str(Quarter.parse("2026Q1").previous()) == "2025Q4"
    assert str(Quarter.parse("2026Q4").previous()) == "2026Q3"
    assert str(Quarter.of(datetime.date(2026, 11, 23))) == "2026Q4"
    q4 = Quarter.parse("2026Q4")
    assert (q4.first_day, q4.next().first_day) == (
        datetime.date(2026, 10, 1),
        datetime.date(2027, 1, 1),
    )
    # the four quarters ending with a quarter (trailing sales)
    assert ((q4 - 3).first_day, q4.next().first_day) == (
        datetime.date(2026, 1, 1),
        datetime.date(2027, 1, 1),
    )
    q2 = Quarter.parse("2026Q2")
    assert ((q2 - 3).first_day, q2.next().first_day) == (
        datetime.date(2025, 7, 1),
        datetime.date(2026, 7, 1),
    )
    with pytest.raises(ValueError):
        Quarter.parse("2026Q5")


def test_add_months_clamps_to_month_end():
    assert periods.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert periods.add_months(datetime.date(2026, 11, 15), 24) == datetime.date(2028, 11, 15)
    assert periods.add_months(datetime.date(2027, 12, 31), 2) == datetime.date(2028, 2, 29)


def test_grants_conflict_rule():
    d = datetime.date
    assert calc.grants_conflict(
        "CN-GD", d(2026, 1, 1), None, True, "CN-GD-SZ", d(2030, 1, 1), None, False
    )
    assert not calc.grants_conflict(
        "CN-GD", d(2026, 1, 1), None, False, "CN-GD-SZ", d(2026, 1, 1), None, False
    )
    assert not calc.grants_conflict(
        "CN-GD-SZ", d(2026, 1, 1), None, True, "CN-GD-GZ", d(2026, 1, 1), None, True
    )
    # CN-G is not an ancestor of CN-GD (codes nest on hyphens, not prefixes)
    assert not calc.grants_conflict(
        "CN-G", d(2026, 1, 1), None, True, "CN-GD", d(2026, 1, 1), None, True
    )
    assert calc.grants_conflict(
        "CN", d(2026, 1, 1), d(2026, 6, 30), True, "CN-BJ", d(2026, 6, 30), None, False
    )
    assert not calc.grants_conflict(
        "CN", d(2026, 1, 1), d(2026, 6, 29), True, "CN-BJ", d(2026, 6, 30), None, False
    )
