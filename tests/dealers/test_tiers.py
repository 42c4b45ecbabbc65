"""Certification tiers (§4): certified users, evaluation, promotion, grace demotion."""

import datetime
from decimal import Decimal

import pytest

from dealers import selectors, services
from dealers.models import Dealer, TierChange, TierEvaluation
from tests.dealers.factories import CertificationProgramFactory
from tests.factories import DealerFactory, DealerUserFactory, tier

pytestmark = pytest.mark.django_db
D = datetime.date
ON = D(2026, 10, 1)


@pytest.fixture
def tiers():
    result = {code: tier(code) for code in ("registered", "junior", "senior", "expert")}
    requirements = {
        "junior": (1, "500000", "0"),
        "senior": (3, "2000000", "70"),
        "expert": (5, "5000000", "85"),
    }
    for code, (users, sales, score) in requirements.items():
        t = result[code]
        t.min_certified_users, t.min_trailing_sales, t.min_score = (
            users,
            Decimal(sales),
            Decimal(score),
        )
        t.save()
    return result


def certify(dealer, n, level, passed_on=D(2026, 1, 15), months=24):
    program = CertificationProgramFactory(
        code=f"P-{level.code}-{months}", level=level, validity_months=months
    )
    for _ in range(n):
        user = DealerUserFactory(membership__dealer=dealer)
        services.certification_record(user=user, program=program, passed_on=passed_on)


class TestCertifiedUsers:
    def test_counts_valid_certifications_at_or_above_a_rank(self, tiers, dealer):
        certify(dealer, 2, tiers["junior"])
        certify(dealer, 1, tiers["expert"])
        certify(dealer, 1, tiers["senior"], passed_on=D(2023, 1, 1), months=12)  # expired
        assert selectors.certified_user_count(dealer=dealer, on_date=ON, min_rank=1) == 3
        assert selectors.certified_user_count(dealer=dealer, on_date=ON, min_rank=2) == 1
        assert selectors.certified_user_count(dealer=dealer, on_date=ON, min_rank=3) == 1
        assert selectors.certified_users_by_rank(dealer=dealer, on_date=ON) == {
            0: 3,
            1: 3,
            2: 1,
            3: 1,
        }

    def test_expiry_is_inclusive_and_a_user_counts_once(self, tiers, dealer):
        program = CertificationProgramFactory(code="J12", level=tiers["junior"], validity_months=12)
        user = DealerUserFactory(membership__dealer=dealer)
        cert = services.certification_record(user=user, program=program, passed_on=D(2025, 10, 1))
        services.certification_record(
            user=user,
            program=CertificationProgramFactory(code="J24", level=tiers["junior"]),
            passed_on=D(2025, 10, 2),
        )
        assert cert.expires_on == D(2026, 10, 1)
        assert (
            selectors.certified_user_count(dealer=dealer, on_date=D(2026, 10, 1), min_rank=1) == 1
        )

    def test_removed_users_and_other_dealers_do_not_count(self, tiers, dealer, other_dealer):
        certify(other_dealer, 2, tiers["expert"])
        certify(dealer, 1, tiers["junior"])
        user = dealer.memberships.get().user
        user.is_active = False
        user.save()
        assert selectors.certified_user_count(dealer=dealer, on_date=ON, min_rank=0) == 0


def evaluate(dealer, period, sales, score=None):
    return services.tier_evaluate(
        dealer=dealer,
        period=period,
        trailing_sales=Decimal(sales),
        score=None if score is None else Decimal(score),
        on_date=ON,
    )


class TestEvaluate:
    def test_promotion_takes_effect_at_once_to_the_highest_eligible_tier(self, tiers, dealer):
        certify(dealer, 3, tiers["senior"])
        change = evaluate(dealer, "2026Q3", "2500000", "75")
        dealer.refresh_from_db()
        assert dealer.tier.code == "senior"
        assert (change.from_tier.code, change.to_tier.code) == ("registered", "senior")
        assert change.figures["trailing_sales"] == "2500000"
        assert change.figures["certified_users"] == {
            "registered": 3,
            "junior": 3,
            "senior": 3,
            "expert": 0,
        }
        assert "promoted" in change.reason
        evaluation = TierEvaluation.objects.get(dealer=dealer, period="2026Q3")
        assert evaluation.outcome == "promoted" and evaluation.change == change

    def test_demotion_only_after_two_consecutive_quarters_below(self, tiers):
        dealer = DealerFactory(tier=tiers["senior"])
        certify(dealer, 3, tiers["senior"])
        assert evaluate(dealer, "2026Q1", "2500000", "75") is None  # kept
        assert evaluate(dealer, "2026Q2", "1000000", "75") is None  # grace quarter
        dealer.refresh_from_db()
        assert dealer.tier.code == "senior"
        assert TierEvaluation.objects.get(dealer=dealer, period="2026Q2").outcome == "grace"
        change = evaluate(dealer, "2026Q3", "900000", "75")
        dealer.refresh_from_db()
        assert dealer.tier.code == "junior"
        assert (change.from_tier.code, change.to_tier.code) == ("senior", "junior")
        assert change.figures["previous_period_below"] is True

    def test_recovering_in_between_resets_the_grace(self, tiers):
        dealer = DealerFactory(tier=tiers["senior"])
        certify(dealer, 3, tiers["senior"])
        evaluate(dealer, "2026Q1", "1000000", "75")  # below: grace
        evaluate(dealer, "2026Q2", "2500000", "75")  # back up: kept
        assert evaluate(dealer, "2026Q3", "1000000", "75") is None  # below again: grace
        dealer.refresh_from_db()
        assert dealer.tier.code == "senior"

    def test_a_skipped_quarter_is_not_consecutive(self, tiers):
        dealer = DealerFactory(tier=tiers["senior"])
        certify(dealer, 3, tiers["senior"])
        evaluate(dealer, "2026Q1", "1000000", "75")
        assert evaluate(dealer, "2026Q3", "1000000", "75") is None
        dealer.refresh_from_db()
        assert dealer.tier.code == "senior"

    def test_re_running_a_period_does_not_count_twice(self, tiers):
        dealer = DealerFactory(tier=tiers["senior"])
        certify(dealer, 3, tiers["senior"])
        evaluate(dealer, "2026Q2", "1000000", "75")
        assert evaluate(dealer, "2026Q2", "1000000", "75") is None
        assert evaluate(dealer, "2026Q2", "900000", "75") is None
        dealer.refresh_from_db()
        assert dealer.tier.code == "senior"
        evaluation = TierEvaluation.objects.get(dealer=dealer, period="2026Q2")
        assert evaluation.trailing_sales == Decimal("900000")  # figures refreshed
        assert TierEvaluation.objects.filter(dealer=dealer).count() == 1

    def test_re_running_a_period_that_changed_the_tier_changes_nothing(self, tiers, dealer):
        certify(dealer, 1, tiers["junior"])
        assert evaluate(dealer, "2026Q3", "600000") is not None
        assert evaluate(dealer, "2026Q3", "600000") is None
        assert evaluate(dealer, "2026Q3", "0") is None
        dealer.refresh_from_db()
        assert dealer.tier.code == "junior"
        assert TierChange.objects.filter(dealer=dealer).count() == 1

    def test_re_running_an_older_period_leaves_the_later_ones_alone(self, tiers):
        """Expert; 2026Q1 below (senior figures): grace; 2026Q2 below (junior): demoted.
        Re-running 2026Q1 afterwards must not promote back to senior on Q1's figures, nor
        rewrite Q1's record."""
        dealer = DealerFactory(tier=tiers["expert"])
        certify(dealer, 3, tiers["senior"])
        assert evaluate(dealer, "2026Q1", "2500000", "75") is None  # grace
        assert evaluate(dealer, "2026Q2", "600000", "75") is not None  # demoted to junior
        dealer.refresh_from_db()
        assert dealer.tier.code == "junior"

        assert evaluate(dealer, "2026Q1", "2500000", "75") is None

        dealer.refresh_from_db()
        assert dealer.tier.code == "junior"
        assert TierChange.objects.filter(dealer=dealer).count() == 1
        q1 = TierEvaluation.objects.get(dealer=dealer, period="2026Q1")
        assert (q1.outcome, q1.tier_before.code, q1.tier_after.code) == (
            "grace",
            "expert",
            "expert",
        )

    def test_bad_period_is_refused(self, tiers, dealer):
        with pytest.raises(ValueError):
            evaluate(dealer, "2026-10", "0")

    def test_evaluate_now_uses_sale_lines_of_the_trailing_four_quarters(self, tiers, dealer):
        from commissions.models import SaleLine
        from dealers.models import Product
        from tests.factories import ProductLineFactory, region_tree

        certify(dealer, 1, tiers["junior"])
        product = Product.objects.create(
            sku="SKU-1",
            name="Router",
            product_line=ProductLineFactory(),
            list_price=Decimal("100.00"),
        )
        region = region_tree()["CN-GD-SZ"]
        for ext, amount, sold in [
            ("1", "400000.00", "2025-09-30T15:59:59+00:00"),  # 2025-09-30 23:59:59 Shanghai
            ("2", "300000.00", "2025-09-30T16:00:00+00:00"),  # 2025-10-01 00:00 Shanghai
            ("3", "250000.00", "2026-09-30T10:00:00+00:00"),
            ("4", "-10000.00", "2026-05-01T10:00:00+00:00"),
        ]:
            SaleLine.objects.create(
                dealer=dealer,
                external_id=ext,
                product=product,
                quantity=Decimal("1") * (-1 if amount.startswith("-") else 1),
                amount=Decimal(amount),
                currency="CNY",
                sold_at=datetime.datetime.fromisoformat(sold),
                ship_to_region=region,
            )
        assert selectors.dealer_trailing_sales(dealer=dealer, period="2026Q3") == Decimal(
            "540000.00"
        )
        change = services.tier_evaluate_now(dealer=dealer, period="2026Q3")
        assert change.to_tier.code == "junior"


def test_tier_progress_says_what_is_missing(tiers, dealer):
    certify(dealer, 1, tiers["junior"])
    evaluate(dealer, "2026Q3", "600000")
    dealer.refresh_from_db()
    progress = selectors.tier_progress(dealer=dealer, on_date=ON)
    assert progress["tier"].code == "junior"
    assert progress["next_tier"].code == "senior"
    missing = {c.name: c.missing for c in progress["missing"]}
    assert missing == {"certified_users": 3, "trailing_sales": Decimal("1400000")}


def test_tier_progress_at_the_top(tiers):
    dealer = DealerFactory(tier=tiers["expert"])
    progress = selectors.tier_progress(dealer=dealer, on_date=ON)
    assert progress["next_tier"] is None and progress["missing"] == []


def test_dealer_model_still_protected(tiers):
    assert Dealer.objects.count() == 0
