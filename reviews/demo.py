"""Demo data of quarterly reviews: a finalised review with an improvement-plan action item."""

import datetime as dt
from decimal import Decimal

from collaboration.demo import demo_dealers
from collaboration.services import action_item_create
from portal.models import User
from reviews.models import QuarterlyReview
from reviews.services import review_assess, review_finalise


def seed(stdout):
    dealers, owners = demo_dealers()
    gz, gz_owner = dealers["DEMO-GZ"], owners["DEMO-GZ"]
    admin = User.objects.get(username="admin")
    if not QuarterlyReview.objects.filter(dealer=gz, quarter="2026Q3").exists():
        review = QuarterlyReview.objects.create(
            dealer=gz,
            quarter="2026Q3",
            net_sales=Decimal("760000.00"),
            previous_net_sales=Decimal("690000.00"),
            target=Decimal("800000.00"),
            attainment=Decimal("0.9500"),
            growth=Decimal("0.1014"),
            tickets_raised=3,
        )
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
            due_on=dt.date(2027, 1, 31),
        )
        review_finalise(actor=admin, review=review)


