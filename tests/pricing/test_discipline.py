"""Price discipline on the dashboards: the share of the month's positive sales at or above
the floor, by region and by dealer, with a table under each chart."""

from decimal import Decimal

import pytest

from portal.periods import Month
from pricing.discipline import price_discipline
from pricing.services import price_breaches_check
from tests.conflicts.factories import defaults as sla_defaults
from tests.factories import DealerFactory, DealerUserFactory, region_tree
from tests.pricing.factories import guide, line, product, sh

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(dealer):
    sla_defaults()
    region_tree()
    item = product("P-1")
    guide(item, "1000.00", "900.00", sh(2026, 11, 1))
    other = DealerFactory(code="OTHER")
    lines = [
        line(dealer, item, "2000.00", 2, sh(2026, 11, 3)),  # at list
        line(dealer, item, "1792.00", 2, sh(2026, 11, 4)),  # tolerated, but below the floor
        line(other, item, "900.00", 1, sh(2026, 11, 5), region="CN-BJ"),  # at the floor
        line(other, item, "-900.00", -1, sh(2026, 11, 6), region="CN-BJ"),  # a return
    ]
    price_breaches_check(sale_line_ids=[x.pk for x in lines])
    return other


def test_shares_by_region_and_dealer(november, staff_user):
    figures = price_discipline(who=staff_user, month=Month(2026, 11))
    regions = {r.key: (r.guided, r.at_floor, r.percent) for r in figures["by_region"]}
    assert regions == {
        "CN-BJ": (900, 900, 100),
        "CN-GD": (3792, 2000, Decimal("52.7")),
    }
    dealers = {r.key: r.percent for r in figures["by_dealer"]}
    assert dealers["OTHER"] == 100
    assert str(figures["total"].percent) == "61.8"


def test_a_dealer_sees_only_its_own(november, dealer):
    user = DealerUserFactory(membership__dealer=dealer)
    figures = price_discipline(who=user, month=Month(2026, 11))
    assert [r.key for r in figures["by_dealer"]] == [dealer.code]


def test_the_panel_is_on_both_dashboards(november, client, staff_user, dealer):
    client.force_login(staff_user)
    page = client.get("/", {"discipline_month": "2026-11"}).content.decode()
    assert 'id="table-discipline-region"' in page and 'id="table-discipline-dealer"' in page
    assert "CN-BJ" in page
    user = DealerUserFactory(membership__dealer=dealer)
    client.force_login(user)
    page = client.get("/", {"discipline_month": "2026-11"}).content.decode()
    assert 'id="table-discipline-dealer"' in page and "OTHER" not in page


def test_a_channel_manager_sees_the_regions_it_manages(november, client):
    from tests.factories import StaffUserFactory

    manager = StaffUserFactory(groups=["channel_manager"])
    region_tree()["CN-BJ"].channel_managers.add(manager)
    client.force_login(manager)
    response = client.get("/", {"discipline_month": "2026-11"})
    figures = response.context["discipline"]
    assert [r.key for r in figures["by_region"]] == ["CN-BJ"]
    assert 'id="section-price-discipline"' in response.content.decode()
