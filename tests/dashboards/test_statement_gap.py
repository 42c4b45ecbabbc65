"""The dealer dashboard's "commission so far" and the statement card never disagree
without saying why (issue 12): sales reported since the last refresh, late lines,
adjustments and bonuses are named."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions import services
from commissions.models import CommissionStatement
from portal.periods import Month
from tests.collaboration.factories import dealer_user_of
from tests.commissions.factories import give_plan, plan_p, sale
from tests.factories import DealerFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def test_dashboard_explains_why_the_statement_differs_from_commission_so_far(client):
    dealer = DealerFactory()
    give_plan(dealer, plan_p())
    month = Month.current()
    start, _end = month.bounds()
    sold = max(start, timezone.now() - dt.timedelta(minutes=1))
    sale(dealer, "1000.00", sold)
    services.statements_build(period=month, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer, period=month.first_day)
    services.statement_adjustment_add(
        statement=statement,
        actor=StaffUserFactory(groups=["finance"]),
        amount=D("25.00"),
        reason="Marketing fund",
    )
    client.force_login(dealer_user_of(dealer))
    page = client.get(reverse("home")).content.decode()
    assert "600.00" in page  # commission so far = the statement's sales part
    assert 'id="whatif-gap"' in page and "625.00" in page
    assert "it also counts adjustment: 25.00" in page
    assert 'id="whatif-gap-sales"' not in page  # nothing reported since the refresh
    assert 'id="latest-statement-gap"' in page

    sale(dealer, "500.00", sold)  # reported after the refresh
    page = client.get(reverse("home")).content.decode()
    assert 'id="whatif-gap-sales"' in page and "from net sales of 1,000.00" in page


def test_no_explanation_when_they_agree(client):
    dealer = DealerFactory()
    give_plan(dealer, plan_p())
    month = Month.current()
    sale(dealer, "1000.00", max(month.bounds()[0], timezone.now() - dt.timedelta(minutes=1)))
    services.statements_build(period=month, dealer_ids=[dealer.pk])
    client.force_login(dealer_user_of(dealer))
    page = client.get(reverse("home")).content.decode()
    assert 'id="whatif-gap"' not in page and 'id="latest-statement-gap"' not in page
