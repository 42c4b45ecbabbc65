"""Which dealers a quarter's job covers, and the one quarterly target (issue 11, item 8):
"dealers active in the quarter" follow their agreements' dates (or ``active_since``), not
when their rows were created, and reviews and bonuses judge a quarter by the same target."""

import datetime as dt
from decimal import Decimal as D

import pytest

from commissions.models import StatementComponent
from dealers.models import Agreement, Dealer
from reviews.models import QuarterlyReview
from reviews.services import quarterly_run
from tests.commissions.factories import give_plan, local, plan_p, sale
from tests.factories import AgreementFactory, DealerFactory

pytestmark = pytest.mark.django_db


def test_dealers_imported_today_get_reviews_and_bonuses_for_past_quarters():
    """Rows created today, with agreements and sales going back to 2025."""
    imported = DealerFactory()
    give_plan(imported, plan_p(), starts_on=dt.date(2025, 1, 1))
    sale(imported, "900000.00", local(2026, 5, 10, 10, 0))
    historic = DealerFactory(active_since=dt.date(2024, 6, 1))  # no agreement recorded here
    not_yet = DealerFactory()  # created today, nothing else: not a dealer of 2026Q2
    AgreementFactory(dealer=not_yet, status="draft", starts_on=dt.date(2026, 12, 1))

    quarterly_run(quarter="2026Q2")

    reviewed = set(QuarterlyReview.objects.values_list("dealer_id", flat=True))
    assert reviewed == {imported.pk, historic.pk}
    bonus = StatementComponent.objects.get(dealer=imported, kind="quarter_bonus")
    assert bonus.bonus_period == "2026Q2"
    assert bonus.amount == D("54000.00")  # 0.10 × 0.60 × 900,000


def test_reviews_and_bonuses_use_the_same_quarterly_target():
    """Q3 2026: the agreement with plan P (target 800,000) ended on 31 August; the renewal
    (target 500,000, its plan not yet chosen) runs from 1 September. 600,000 of sales reach
    the quarter's target for the review — and so for the bonus."""
    dealer = DealerFactory()
    give_plan(
        dealer,
        plan_p(),
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2026, 8, 31),
        status=Agreement.Status.ENDED,
        quarterly_target=D("800000.00"),
    )
    AgreementFactory(dealer=dealer, starts_on=dt.date(2026, 9, 1), quarterly_target=D("500000.00"))
    sale(dealer, "600000.00", local(2026, 7, 15, 10, 0))
    # a long-standing row, so that only the target is in question here
    Dealer.objects.filter(pk=dealer.pk).update(created_at=local(2024, 1, 1, 9, 0))

    quarterly_run(quarter="2026Q3")

    review = QuarterlyReview.objects.get(dealer=dealer, quarter="2026Q3")
    assert review.target == D("500000.00") and review.attainment >= 1
    bonus = StatementComponent.objects.get(dealer=dealer, kind="quarter_bonus")
    assert bonus.amount == D("36000.00")  # 0.10 × base of July (360,000) and August (0)


def test_a_rerun_judges_stock_freshness_at_the_quarters_end():
    """W1 synced in Q3's last week and again in November; W2 only in November. Re-run in
    December, Q3's review counts W1 fresh and W2 stale — not both fresh as they are now."""
    from inventory.services import stock_levels_apply_sets
    from tests.factories import ApiKeyFactory
    from tests.inventory.factories import ProductFactory, WarehouseFactory

    dealer = DealerFactory()
    give_plan(dealer, plan_p(), starts_on=dt.date(2025, 1, 1))
    w1, w2 = WarehouseFactory(dealer=dealer), WarehouseFactory(dealer=dealer)
    sku = ProductFactory().sku
    key = ApiKeyFactory.issue(manufacturer=True)[0]

    def sync(warehouse, quantity, when):
        item = {"warehouse": warehouse.code, "sku": sku, "quantity": quantity}
        stock_levels_apply_sets(actor=key, items=[{**item, "as_of": when.isoformat()}], now=when)

    sync(w1, 5, local(2026, 9, 28, 10, 0))
    sync(w1, 7, local(2026, 11, 20, 10, 0))
    sync(w2, 3, local(2026, 11, 20, 10, 0))

    quarterly_run(quarter="2026Q3")

    review = QuarterlyReview.objects.get(dealer=dealer, quarter="2026Q3")
    assert review.stock_freshness == D("0.5000")
