"""A dealer names a channel ticket's counter-party only among the dealers it may name: those
of its region and those it already has a ticket with (issue 11, item 5)."""

import pytest
from django.urls import reverse

from conflicts.models import Ticket
from conflicts.selectors import ticket_counterparty_choices
from tests.conflicts.factories import defaults, make_ticket
from tests.factories import DealerFactory, DealerUserFactory, TerritoryFactory, region_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(dealer):
    """``dealer`` is in CN-GD-SZ."""
    defaults()
    regions = region_tree()
    return {
        "same_city": DealerFactory(code="SZ2", region=regions["CN-GD-SZ"]),
        "province": DealerFactory(code="GD1", region=regions["CN-GD"]),
        "far": DealerFactory(code="BJ1", region=regions["CN-BJ"]),
        "guangzhou": DealerFactory(code="GZ1", region=regions["CN-GD-GZ"]),
    }


def _open(client, code):
    return client.post(
        "/api/v1/tickets/",
        {"category": "channel", "title": "They sell in my area", "counterparty": code},
        format="json",
    )


def test_choices_are_the_dealers_region_and_conflicts(dealer, world):
    assert set(ticket_counterparty_choices(dealer).values_list("code", flat=True)) == {
        "SZ2",
        "GD1",
    }
    # a territory of the other dealer that overlaps brings it in
    TerritoryFactory(dealer=world["guangzhou"], region=region_tree()["CN-GD"])
    # a ticket between them does too
    make_ticket(world["far"], category="channel", counterparty=dealer)
    assert set(ticket_counterparty_choices(dealer).values_list("code", flat=True)) == {
        "SZ2",
        "GD1",
        "GZ1",
        "BJ1",
    }


@pytest.mark.parametrize("code", ["SZ2", "gd1"])
def test_dealer_names_a_dealer_of_its_region(dealer_client, world, code):
    response = _open(dealer_client, code)
    assert response.status_code == 201, response.content
    assert response.json()["counterparty"] == code.upper()


@pytest.mark.parametrize("code", ["BJ1", "GZ1", "NOSUCH"])
def test_dealer_cannot_name_any_other_code(dealer_client, world, code):
    before = Ticket.objects.count()
    response = _open(dealer_client, code)
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    # the same answer whether the code exists or not
    assert (error["attr"], error["code"]) == ("counterparty", "counterparty_not_allowed")
    assert "region" in error["detail"]
    assert Ticket.objects.count() == before


def test_dealer_names_a_dealer_it_has_a_ticket_with(dealer_client, dealer, world):
    make_ticket(world["far"], category="channel", counterparty=dealer)
    assert _open(dealer_client, "BJ1").status_code == 201


def test_manufacturer_names_any_dealer(manufacturer_client, dealer, world):
    response = manufacturer_client.post(
        "/api/v1/tickets/",
        {"dealer": dealer.code, "category": "channel", "title": "x", "counterparty": "BJ1"},
        format="json",
    )
    assert response.status_code == 201, response.content
    response = manufacturer_client.post(
        "/api/v1/tickets/",
        {"dealer": dealer.code, "category": "channel", "title": "x", "counterparty": "NOSUCH"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "does_not_exist"


def test_portal_form_refuses_a_dealer_outside_the_region(client, dealer, world):
    client.force_login(DealerUserFactory(membership__dealer=dealer))
    response = client.post(
        reverse("conflicts:open"),
        {"category": "channel", "priority": "normal", "title": "x", "counterparty": "BJ1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["counterparty"]
    assert not Ticket.objects.filter(counterparty=world["far"]).exists()
    response = client.post(
        reverse("conflicts:open"),
        {"category": "channel", "priority": "normal", "title": "x", "counterparty": "SZ2"},
    )
    assert response.status_code == 302
    assert Ticket.objects.filter(counterparty=world["same_city"]).exists()
