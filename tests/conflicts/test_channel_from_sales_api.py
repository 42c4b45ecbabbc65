"""§2 end to end: a sale reported through the API into another dealer's exclusive territory
opens a channel ticket (once), through the after-commit hook of sales ingestion."""

import datetime as dt

import pytest

from conflicts.models import ChannelConflict, Ticket
from portal.celery import app
from tests.commissions.factories import product
from tests.conflicts.factories import defaults
from tests.factories import DealerFactory, ProductLineFactory, TerritoryFactory, region_tree

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager_celery():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_sale_into_exclusive_territory_via_api_opens_one_ticket(
    eager_celery, dealer, dealer_client
):
    defaults()  # the seeded SLA policies (gone if an earlier transactional test flushed)
    regions = region_tree()
    holder = DealerFactory(code="HOLDER")
    TerritoryFactory(
        dealer=holder,
        region=regions["CN-GD"],
        product_line=ProductLineFactory(code="PL-HOME"),
        starts_on=dt.date(2026, 1, 1),
        exclusive=True,
    )
    product("SKU-1")
    line = {
        "external_id": "INV-1",
        "sku": "SKU-1",
        "quantity": "1",
        "amount": "100.00",
        "currency": "CNY",
        "sold_at": "2026-10-05T14:30:00+08:00",
        "ship_to_region": "CN-GD-SZ",
    }
    response = dealer_client.post("/api/v1/sales/", {"lines": [line]}, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get()
    assert (ticket.category, ticket.dealer, ticket.counterparty) == ("channel", holder, dealer)
    # Re-sending the same line is a duplicate: no second ticket.
    response = dealer_client.post("/api/v1/sales/", {"lines": [line]}, format="json")
    assert response.status_code == 200, response.content
    assert Ticket.objects.count() == 1
    assert ChannelConflict.objects.count() == 1


def test_sale_in_own_or_open_territory_opens_nothing(eager_celery, dealer, dealer_client):
    region_tree()
    product("SKU-1")
    line = {
        "external_id": "INV-2",
        "sku": "SKU-1",
        "quantity": "1",
        "amount": "100.00",
        "sold_at": "2026-10-05T14:30:00+08:00",
        "ship_to_region": "CN-GD-SZ",
    }
    assert dealer_client.post("/api/v1/sales/", {"lines": [line]}, format="json").status_code == 201
    assert Ticket.objects.count() == 0
