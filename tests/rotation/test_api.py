"""`stock-transfer-suggestions` and `stock-transfers` (DOMAIN.md §16, §10)."""

from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from inventory.models import StockLevel, StockMovement
from rotation.models import StockTransfer, TransferSuggestion
from tests.factories import ApiKeyFactory, DealerFactory
from tests.rotation.factories import NOW, example

pytestmark = pytest.mark.django_db

SUGGESTIONS = "/api/v1/stock-transfer-suggestions/"
TRANSFERS = "/api/v1/stock-transfers/"


def key_client(**kwargs):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {ApiKeyFactory.issue(**kwargs)[1]}")
    return client


@pytest.fixture
def world():
    w = example()
    call_command("suggest_stock_transfers", now=NOW.isoformat(), stdout=StringIO())
    w["suggestion"] = TransferSuggestion.objects.get()
    w["A"], w["B"] = key_client(dealer=w["a"]), key_client(dealer=w["b"])
    w["M"] = key_client(manufacturer=True)
    return w


def test_dealers_see_their_suggestions_without_the_other_dealer(world):
    rows = world["A"].get(SUGGESTIONS).json()["results"]
    assert [(r["role"], r["quantity"], r["source_dealer"], r["destination_dealer"]) for r in rows] == [
        ("send", "50.000", "DLR-A", None)
    ]
    rows = world["B"].get(SUGGESTIONS).json()["results"]
    assert [(r["role"], r["source_dealer"], r["destination_dealer"]) for r in rows] == [
        ("receive", None, "DLR-B")
    ]
    outsider = key_client(dealer=DealerFactory())
    assert outsider.get(SUGGESTIONS).json()["results"] == []
    assert outsider.get(f"{SUGGESTIONS}{world['suggestion'].pk}/").status_code == 404
    staff = world["M"].get(SUGGESTIONS).json()["results"]
    assert (staff[0]["source_dealer"], staff[0]["destination_dealer"]) == ("DLR-A", "DLR-B")


def test_the_whole_journey_through_the_api(world):
    created = world["M"].post(f"{SUGGESTIONS}{world['suggestion'].pk}/propose/", {}, format="json")
    assert created.status_code == 201, created.content
    tid = created.json()["id"]
    seen_by_a = world["A"].get(f"{TRANSFERS}{tid}/").json()
    assert seen_by_a["role"] == "send" and seen_by_a["destination_dealer"] is None
    assert seen_by_a["destination_warehouse"] is None
    assert world["A"].post(f"{TRANSFERS}{tid}/accept/").status_code == 200
    after_b = world["B"].post(f"{TRANSFERS}{tid}/accept/").json()
    assert after_b["status"] == "accepted" and after_b["source_dealer"] == "DLR-A"
    assert world["A"].get(f"{TRANSFERS}{tid}/").json()["destination_warehouse"] == "WH-B"
    shipped = world["A"].post(f"{TRANSFERS}{tid}/ship/", HTTP_IDEMPOTENCY_KEY="ship-1")
    assert shipped.json()["status"] == "shipped"
    replay = world["A"].post(f"{TRANSFERS}{tid}/ship/", HTTP_IDEMPOTENCY_KEY="ship-1")
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    received = world["B"].post(f"{TRANSFERS}{tid}/receive/")
    assert received.json()["status"] == "received"
    assert world["B"].post(f"{TRANSFERS}{tid}/receive/").json()["status"] == "received"
    levels = dict(StockLevel.objects.values_list("warehouse__code", "quantity"))
    assert (levels["WH-A"], levels["WH-B"]) == (D("450"), D("70"))
    assert StockMovement.objects.filter(kind__in=["transfer_out", "transfer_in"]).count() == 2
    call_command("check_stock_ledger", stdout=StringIO(), stderr=StringIO())


def test_other_dealers_get_404_and_wrong_steps_a_clear_error(world):
    tid = world["M"].post(f"{SUGGESTIONS}{world['suggestion'].pk}/propose/").json()["id"]
    outsider = key_client(dealer=DealerFactory())
    for step in ("accept", "ship", "receive", "cancel"):
        assert outsider.post(f"{TRANSFERS}{tid}/{step}/").status_code == 404
    assert outsider.get(f"{TRANSFERS}{tid}/").status_code == 404
    early = world["A"].post(f"{TRANSFERS}{tid}/ship/")
    assert early.status_code == 400
    assert early.json()["errors"][0]["code"] == "invalid_transition", early.json()
    wrong_side = world["B"].post(f"{TRANSFERS}{tid}/accept/")
    assert wrong_side.status_code == 200
    world["A"].post(f"{TRANSFERS}{tid}/accept/")
    assert world["B"].post(f"{TRANSFERS}{tid}/ship/").status_code == 403
    assert StockTransfer.objects.get().status == "accepted"


def test_staff_create_a_transfer_and_dealers_cannot(world):
    body = {"sku": "P-1", "quantity": "5", "source_warehouse": "WH-A", "destination_warehouse": "WH-B"}
    assert world["A"].post(TRANSFERS, body, format="json").status_code == 403
    created = world["M"].post(TRANSFERS, body, format="json")
    assert created.status_code == 201 and created.json()["quantity"] == "5.000"
    bad = world["M"].post(TRANSFERS, {**body, "destination_warehouse": "WH-A"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["attr"] == "destination_warehouse"


def test_a_dealer_cannot_learn_the_counterparty_by_filtering(world):
    world["M"].post(f"{SUGGESTIONS}{world['suggestion'].pk}/propose/")
    assert world["A"].get(TRANSFERS, {"dealer": "DLR-B"}).json()["results"] == []
    assert len(world["A"].get(TRANSFERS, {"dealer": "DLR-A"}).json()["results"]) == 1
    assert world["A"].get(SUGGESTIONS, {"dealer": "DLR-B"}).json()["results"] == []
    assert len(world["M"].get(TRANSFERS, {"dealer": "DLR-B"}).json()["results"]) == 1


@pytest.mark.parametrize("url", [SUGGESTIONS, TRANSFERS])
def test_lists_keep_a_constant_number_of_queries(world, url, django_assert_max_num_queries):
    from tests.inventory.factories import WarehouseFactory

    for i in range(6):
        other = WarehouseFactory(code=f"WH-X{i}")
        StockTransfer.objects.create(
            product=world["product"],
            quantity=D("1"),
            source_warehouse=world["wa"],
            destination_warehouse=other,
            source_dealer=world["a"],
            destination_dealer=other.dealer,
            created_by="test",
        )
        TransferSuggestion.objects.create(
            province=world["regions"]["CN-GD"],
            product=world["product"],
            source_dealer=world["a"],
            destination_dealer=other.dealer,
            quantity=D("1"),
            min_days_cover=D("7"),
            max_days_cover=D("30"),
            source_stock=D("1"),
            source_daily_sales=D("1"),
            source_surplus=D("1"),
            destination_stock=D("1"),
            destination_daily_sales=D("1"),
            destination_need=D("1"),
        )
    for client in (world["A"], world["M"]):
        with django_assert_max_num_queries(8):
            response = client.get(url)
        assert response.status_code == 200 and len(response.json()["results"]) >= 6
