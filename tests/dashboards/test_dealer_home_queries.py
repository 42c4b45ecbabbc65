"""The dealer's home in a constant, small number of queries (issue 13, B6): every panel's
rows are read together (portal.batch), whatever the number of sale lines, tickets,
notifications, announcements and action items."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from collaboration.models import Announcement
from dealers.models import TierEvaluation
from tests.collaboration.factories import (
    ActionItemFactory,
    AnnouncementFactory,
    MeetingFactory,
    NotificationFactory,
    dealer_user_of,
)
from tests.commissions.factories import give_plan, plan_p
from tests.conflicts.factories import make_ticket
from tests.dashboards.test_dashboards import _now, _query_count
from tests.reviews.factories import sale

pytestmark = pytest.mark.django_db

#: session, user, membership with the dealer (its tier and region); the panels' rows in one
#: query; the trailing sales of a dealer never evaluated; price discipline by region and by
#: dealer (pricing's template tag)
DEALER_HOME_QUERIES = 7


def _activity(dealer, user, *, n, offset=0):
    """n of each: sale lines this month, open tickets, unread notifications, announcements
    (to everybody and to the dealer's region) and action items due."""
    now = _now()
    meeting = MeetingFactory(dealer=dealer)
    for i in range(offset, offset + n):
        sale(dealer, "100.00", max(now - dt.timedelta(minutes=i + 1), now.replace(day=1)))
        make_ticket(dealer, title=f"ticket {i}")
        NotificationFactory(recipient=user, title=f"notice {i}")
        AnnouncementFactory(title=f"for all {i}")
        to_region = AnnouncementFactory(
            title=f"for the region {i}", audience=Announcement.Audience.SELECTED
        )
        to_region.regions.add(dealer.region.parent or dealer.region)
        ActionItemFactory(meeting=meeting, title=f"item {i}", due_on=now.date())


def _home(client, dealer, *, evaluated):
    give_plan(dealer, plan_p("whole"))
    if evaluated:
        TierEvaluation.objects.create(
            dealer=dealer,
            period="2026Q3",
            evaluated_on=dt.date(2026, 10, 1),
            tier_before=dealer.tier,
            eligible_tier=dealer.tier,
            tier_after=dealer.tier,
            outcome="kept",
            trailing_sales=Decimal("1234.00"),
        )
    user = dealer_user_of(dealer)
    client.force_login(user)
    return user


@pytest.mark.parametrize("evaluated", [False, True])
def test_dealer_home_queries_do_not_grow(client, dealer, evaluated, django_assert_max_num_queries):
    user = _home(client, dealer, evaluated=evaluated)
    _activity(dealer, user, n=1)
    client.get(reverse("home"))
    few = _query_count(client, reverse("home"))
    _activity(dealer, user, n=12, offset=1)
    many = _query_count(client, reverse("home"))
    assert few == many == DEALER_HOME_QUERIES - evaluated  # no trailing sales to read
    with django_assert_max_num_queries(DEALER_HOME_QUERIES):
        response = client.get(reverse("home"))
    context = response.context
    assert context["mtd_sales"] == Decimal("1300.00")
    assert context["whatif"].result.net_sales == Decimal("1300.00")
    assert len(context["open_tickets"]) == 5 and len(context["notifications"]) == 5
    assert len(context["announcements"]) == 5 and len(context["action_items"]) == 10
    assert {a.title for a in context["announcements"]} & {"for the region 12", "for all 12"}
    progress = context["tier_progress"]
    expected = Decimal("1234.00") if evaluated else Decimal("0.00")
    assert progress["figures"].trailing_sales == expected
    page = response.content.decode()
    assert "notice 12" in page and "item 1" in page and "ticket 1" in page
