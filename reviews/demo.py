"""Demo data of quarterly reviews: every demo dealer's review of the last two completed
quarters, with the figures the quarterly job computes from the demo's own sales, tickets and
stock (drafts; the tier evaluation and bonuses are left to the real job), and one finalised
review with an improvement-plan action item."""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from collaboration.demo import demo_dealers
from collaboration.services import action_item_create
from portal.clock import manufacturer_today
from portal.models import User
from portal.periods import Quarter
from reviews import calculations as calc
from reviews.models import QuarterlyReview, ReviewWeights
from reviews.services import review_assess, review_finalise
from reviews.services.quarterly import FIGURE_FIELDS, figure_certified_staff, quarter_figures


def _computed_reviews(dealers, quarters) -> None:
    weights = ReviewWeights.current()
    now = timezone.now()
    for quarter in quarters:
        missing = [
            d
            for d in dealers
            if not QuarterlyReview.objects.filter(dealer=d, quarter=str(quarter)).exists()
        ]
        if not missing:
            continue
        figures = quarter_figures(quarter=quarter, dealer_ids=[d.pk for d in missing], now=now)
        for dealer in missing:
            row = figures[dealer.pk]
            review = QuarterlyReview(
                dealer=dealer,
                quarter=str(quarter),
                computed_at=now,
                outcomes={"unavailable": row["unavailable"]},
                **{f: row[f] for f in FIGURE_FIELDS if f != "certified_staff"},
            )
            review.certified_staff = figure_certified_staff(
                dealer=dealer, on_date=quarter.last_day
            )
            review.overall_score = calc.review_score(review, weights)
            review.save()


def seed(stdout):
    dealers, owners = demo_dealers()
    latest = Quarter.of(manufacturer_today()).previous()
    _computed_reviews(list(dealers.values()), [latest.previous(), latest])
    gz, gz_owner = dealers["DEMO-GZ"], owners["DEMO-GZ"]
    admin = User.objects.get(username="admin")
    review = QuarterlyReview.objects.get(dealer=gz, quarter=str(latest))
    if not review.is_final:
        review_assess(
            actor=admin,
            review=review,
            satisfaction_score=4,
            communication_score=5,
            notes="Solid quarter; stock data freshness must improve.",
        )
        action_item_create(
            actor=admin,
            review=review,
            title="Certify two more engineers at senior level",
            owner=gz_owner,
            due_on=latest.last_day + dt.timedelta(days=92),
        )
        review_finalise(actor=admin, review=review)
    stdout.write(f"reviews: {QuarterlyReview.objects.count()} quarterly reviews")


def summary() -> list[tuple[str, int]]:
    """What the demo holds, counted in the database (``seed_demo`` prints it): reviews per
    quarter."""
    quarters = dict(
        QuarterlyReview.objects.values_list("quarter").annotate(n=Count("pk")).order_by()
    )
    return [(f"quarterly reviews {q}", n) for q, n in sorted(quarters.items())]
