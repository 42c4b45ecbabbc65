"""Portal pages: a dealer's transfers page and its steps; the staff fragment beside the
regional view."""

from io import StringIO

import pytest
from django.core.management import call_command

from rotation.models import StockTransfer, TransferSuggestion
from tests.factories import DealerUserFactory, StaffUserFactory
from tests.rotation.factories import NOW, example

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    w = example()
    call_command("suggest_stock_transfers", now=NOW.isoformat(), stdout=StringIO())
    w["owner_a"] = DealerUserFactory(membership__dealer=w["a"], membership__role="owner")
    w["owner_b"] = DealerUserFactory(membership__dealer=w["b"], membership__role="owner")
    return w


def test_a_dealer_proposes_from_its_suggestion_and_walks_the_transfer(client, world):
    client.force_login(world["owner_b"])
    page = client.get("/stock/transfers/").content.decode()
    assert "Dealer A" not in page and "DLR-A" not in page  # the other dealer is not named
    assert "need 50" in page
    suggestion = TransferSuggestion.objects.get()
    client.post(f"/stock/transfer-suggestions/{suggestion.pk}/propose/")
    transfer = StockTransfer.objects.get()
    assert transfer.destination_accepted_at is not None
    client.force_login(world["owner_a"])
    assert "Dealer B" not in client.get("/stock/transfers/").content.decode()
    client.post(f"/stock/transfers/{transfer.pk}/accept/")
    page = client.get("/stock/transfers/").content.decode()
    assert "Dealer B" in page  # both accepted: now named
    client.post(f"/stock/transfers/{transfer.pk}/ship/")
    client.force_login(world["owner_b"])
    client.post(f"/stock/transfers/{transfer.pk}/receive/")
    transfer.refresh_from_db()
    assert transfer.status == StockTransfer.Status.RECEIVED


def test_a_wrong_step_shows_an_error_and_changes_nothing(client, world):
    client.force_login(world["owner_a"])
    suggestion = TransferSuggestion.objects.get()
    client.post(f"/stock/transfer-suggestions/{suggestion.pk}/propose/")
    transfer = StockTransfer.objects.get()
    response = client.post(f"/stock/transfers/{transfer.pk}/ship/", follow=True)
    assert "Both dealers must accept" in response.content.decode()
    assert StockTransfer.objects.get().status == StockTransfer.Status.PROPOSED


def test_other_dealers_get_404(client, world):
    suggestion = TransferSuggestion.objects.get()
    client.force_login(DealerUserFactory(membership__role="owner"))
    assert client.post(f"/stock/transfer-suggestions/{suggestion.pk}/propose/").status_code == 404
    assert "need 50" not in client.get("/stock/transfers/").content.decode()
    assert client.get("/stock/transfer-suggestions/region/CN-GD/").status_code == 404


def test_staff_see_a_regions_suggestions_beside_its_alerts(client, world):
    client.force_login(StaffUserFactory(is_superuser=True))
    regional = client.get("/stock/regions/CN-GD/").content.decode()
    assert "/stock/transfer-suggestions/region/CN-GD/" in regional
    fragment = client.get("/stock/transfer-suggestions/region/CN-GD-SZ/").content.decode()
    assert "DLR-A" in fragment and "DLR-B" in fragment and "50" in fragment
    assert "DLR-A" not in client.get("/stock/transfer-suggestions/region/CN-BJ/").content.decode()


def test_the_transfers_page_keeps_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    from rotation import services

    manager = StaffUserFactory(groups=["channel_manager"])
    for _ in range(5):
        services.transfer_propose(
            actor=manager,
            product=world["product"],
            quantity="1",
            source_warehouse=world["wa"],
            destination_warehouse=world["wb"],
        )
    client.force_login(world["owner_a"])
    with django_assert_max_num_queries(14):
        assert client.get("/stock/transfers/").status_code == 200
