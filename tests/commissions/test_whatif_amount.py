"""The what-if panel tries an amount (issue 12.5): ``?amount=`` on the dealer's statements
page (and on the panel's own URL), validated, Decimal, the statements' arithmetic."""

import datetime as dt
from decimal import Decimal as D

import pytest

from commissions import calculations, selectors
from portal.periods import Month
from tests.commissions.factories import give_plan, plan_p, sale
from tests.factories import DealerUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dealer_web(client, dealer):
    client.force_login(DealerUserFactory(membership__dealer=dealer, membership__role="finance"))
    give_plan(dealer, plan_p("whole"))
    start, _end = Month.current().bounds()
    sale(dealer, "250000.00", start + dt.timedelta(minutes=1))
    return client


def test_trying_an_amount_shows_what_it_adds(dealer_web, dealer):
    # 250,000 now: 150,000 + 2 % step 5,000 = 155,000; 500,000: 300,000 + 5 % 25,000
    whatif = selectors.whatif_for_dealer(dealer=dealer, amount=D("250000.00"))
    assert whatif.tried.net_sales == D("500000.00")
    assert whatif.tried.after.total == D("325000.00")
    assert whatif.tried.adds == D("170000.00")
    assert isinstance(whatif.tried.adds, D)
    for path in ("/statements/?amount=250000", "/commissions/what-if/?amount=250000.00"):
        body = dealer_web.get(path).content.decode()
        tried = body[body.index('id="whatif-tried"') :]
        tried = tried[: tried.index("</p>")]
        assert "500,000.00 CNY" in tried and "325,000.00 CNY" in tried
        assert "170,000.00 CNY more than now" in tried
        assert 'value="250000' in body


@pytest.mark.parametrize("amount", ["abc", "-5", "0", "0.001", "1e309", "9" * 40, "NaN", "1,000"])
def test_a_bad_amount_is_a_field_error_never_a_500(dealer_web, amount):
    response = dealer_web.get("/statements/", {"amount": amount})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="whatif-amount-error"' in body
    assert 'id="whatif-tried"' not in body
    assert 'id="whatif-next"' in body  # the panel itself still shows


def test_no_amount_no_trial(dealer_web):
    body = dealer_web.get("/statements/?amount=").content.decode()
    assert 'id="whatif-form"' in body and 'id="whatif-tried"' not in body
    assert 'id="whatif-amount-error"' not in body


def test_what_if_amount_is_the_month_arithmetic():
    terms = calculations.PlanTerms(
        base_rate=D("0.60"),
        steps=(calculations.Step(D("100000"), D("0.02")),),
        step_mode="marginal",
        tier_rate=D("0"),
    )
    tried = calculations.what_if_amount(D("90000.00"), D("20000.00"), terms)
    assert tried.after == calculations.month_commission(D("110000.00"), terms)
    assert tried.adds == tried.after.total - calculations.month_commission(D("90000"), terms).total
