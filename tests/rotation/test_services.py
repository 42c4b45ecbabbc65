"""Suggestions and transfers (DOMAIN.md §16) through the services and the command."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from inventory.models import StockLevel, StockMovement
from portal.models import JobRun, Notification
from rotation import services
from rotation.models import StockTransfer, TransferSuggestion
from tests.factories import ApiKeyFactory, DealerUserFactory, StaffUserFactory
from tests.rotation.factories import NOW, example

pytestmark = pytest.mark.django_db


def level(warehouse, sku="P-1"):
    return StockLevel.objects.get(warehouse=warehouse, product__sku=sku).quantity


def suggest(**kwargs):
    call_command("suggest_stock_transfers", now=NOW.isoformat(), stdout=StringIO(), **kwargs)


@pytest.fixture
def world():
    w = example()
    w["owner_a"] = DealerUserFactory(membership__dealer=w["a"], membership__role="owner")
    w["owner_b"] = DealerUserFactory(membership__dealer=w["b"], membership__role="owner")
    w["manager"] = StaffUserFactory(groups=["channel_manager"])
    return w


def test_the_worked_example_yields_exactly_one_suggestion_of_50_from_a_to_b(world):
    suggest()
    [s] = TransferSuggestion.objects.all()
    assert (s.province.code, s.product.sku) == ("CN-GD", "P-1")
    assert (s.source_dealer, s.destination_dealer, s.quantity) == (world["a"], world["b"], D("50"))
    # the figures the page explains it with
    assert (s.source_stock, s.source_daily_sales, s.source_surplus) == (D("500"), D("10"), D("200"))
    assert (s.destination_stock, s.destination_need) == (D("20"), D("50"))
    run = JobRun.objects.get(job="suggest_stock_transfers")
    assert run.status == JobRun.Status.SUCCEEDED and run.counts["suggestions"] == 1


def test_each_run_replaces_the_previous_suggestions_and_dry_run_stores_nothing(world):
    suggest()
    first = TransferSuggestion.objects.get().pk
    suggest()
    assert TransferSuggestion.objects.count() == 1
    assert TransferSuggestion.objects.get().pk != first
    TransferSuggestion.objects.all().delete()
    suggest(dry_run=True)
    assert TransferSuggestion.objects.count() == 0


def test_one_province_only(world):
    suggest(province="CN-BJ")
    assert TransferSuggestion.objects.count() == 0
    suggest(province="CN-GD")
    assert TransferSuggestion.objects.count() == 1


def test_sales_outside_the_province_or_window_do_not_count(world):
    from tests.commissions.factories import sale

    # B sold a lot in Beijing and long ago: its need in Guangdong is unchanged
    sale(world["b"], "1", NOW - dt.timedelta(days=2), quantity=D("900"), sku="P-1", region="CN-BJ")
    sale(world["b"], "1", NOW - dt.timedelta(days=40), quantity=D("900"), sku="P-1", region="CN-GD-GZ")
    suggest()
    assert TransferSuggestion.objects.get().quantity == D("50")


def test_a_transfer_in_flight_is_not_suggested_again(world):
    suggest()
    services.transfer_propose_from_suggestion(actor=world["manager"], suggestion=TransferSuggestion.objects.get(), now=NOW)
    suggest()
    assert TransferSuggestion.objects.count() == 0


def walk(world, transfer):
    transfer = services.transfer_accept(actor=world["owner_a"], transfer=transfer, now=NOW)
    transfer = services.transfer_accept(actor=world["owner_b"], transfer=transfer, now=NOW)
    transfer = services.transfer_ship(actor=world["owner_a"], transfer=transfer, now=NOW)
    return services.transfer_receive(actor=world["owner_b"], transfer=transfer, now=NOW)


def test_a_received_transfer_moves_exactly_q_and_the_ledger_holds(world):
    suggest()
    transfer = services.transfer_propose_from_suggestion(
        actor=world["manager"], suggestion=TransferSuggestion.objects.get(), now=NOW
    )
    assert (transfer.source_warehouse, transfer.destination_warehouse) == (world["wa"], world["wb"])
    assert transfer.status == StockTransfer.Status.PROPOSED
    transfer = walk(world, transfer)
    assert transfer.status == StockTransfer.Status.RECEIVED
    assert (level(world["wa"]), level(world["wb"])) == (D("450"), D("70"))
    kinds = list(
        StockMovement.objects.filter(request_id__startswith=f"transfer:{transfer.pk}:")
        .order_by("pk")
        .values_list("kind", "delta")
    )
    assert kinds == [("transfer_out", D("-50")), ("transfer_in", D("50"))]
    call_command("check_stock_ledger", stdout=StringIO(), stderr=StringIO())


def test_every_step_replayed_changes_nothing(world):
    suggest()
    transfer = services.transfer_propose_from_suggestion(
        actor=world["manager"], suggestion=TransferSuggestion.objects.get(), now=NOW
    )
    transfer = walk(world, transfer)
    movements = StockMovement.objects.count()
    notifications = Notification.objects.count()
    for step, who in [
        (services.transfer_accept, "owner_a"),
        (services.transfer_ship, "owner_a"),
        (services.transfer_receive, "owner_b"),
    ]:
        again = step(actor=world[who], transfer=transfer, now=NOW)
        assert again.status == StockTransfer.Status.RECEIVED
    assert StockMovement.objects.count() == movements
    assert Notification.objects.count() == notifications
    assert (level(world["wa"]), level(world["wb"])) == (D("450"), D("70"))


def test_steps_out_of_order_and_by_the_wrong_party_are_refused(world):
    suggest()
    transfer = services.transfer_propose_from_suggestion(
        actor=world["manager"], suggestion=TransferSuggestion.objects.get(), now=NOW
    )
    with pytest.raises(ValidationError) as exc:
        services.transfer_ship(actor=world["owner_a"], transfer=transfer)
    assert exc.value.error_dict["status"][0].code == "invalid_transition"
    services.transfer_accept(actor=world["owner_a"], transfer=transfer)
    services.transfer_accept(actor=world["owner_b"], transfer=transfer)
    with pytest.raises(PermissionDenied):
        services.transfer_ship(actor=world["owner_b"], transfer=transfer)  # the receiver
    with pytest.raises(ValidationError):
        services.transfer_receive(actor=world["owner_b"], transfer=transfer)  # not shipped
    outsider = DealerUserFactory(membership__role="owner")
    with pytest.raises(StockTransfer.DoesNotExist):
        services.transfer_cancel(actor=outsider, transfer=transfer)
    assert StockMovement.objects.filter(kind__startswith="transfer").count() == 0


def test_cancel_before_shipping_only(world):
    suggest()
    transfer = services.transfer_propose_from_suggestion(
        actor=world["manager"], suggestion=TransferSuggestion.objects.get(), now=NOW
    )
    cancelled = services.transfer_cancel(actor=world["owner_b"], transfer=transfer, reason="no room")
    assert cancelled.status == StockTransfer.Status.CANCELLED and cancelled.cancel_reason == "no room"
    with pytest.raises(ValidationError):
        services.transfer_accept(actor=world["owner_a"], transfer=transfer)
    other = services.transfer_propose(
        actor=world["manager"],
        product=world["product"],
        quantity="5",
        source_warehouse=world["wa"],
        destination_warehouse=world["wb"],
    )
    services.transfer_accept(actor=world["owner_a"], transfer=other)
    services.transfer_accept(actor=world["owner_b"], transfer=other)
    services.transfer_ship(actor=world["manager"], transfer=other)
    with pytest.raises(ValidationError):
        services.transfer_cancel(actor=world["owner_a"], transfer=other)


def test_shipping_more_than_the_level_holds_is_refused_and_changes_nothing(world):
    transfer = services.transfer_propose(
        actor=world["manager"],
        product=world["product"],
        quantity="501",
        source_warehouse=world["wa"],
        destination_warehouse=world["wb"],
    )
    services.transfer_accept(actor=world["owner_a"], transfer=transfer)
    services.transfer_accept(actor=world["owner_b"], transfer=transfer)
    with pytest.raises(ValidationError) as exc:
        services.transfer_ship(actor=world["owner_a"], transfer=transfer)
    assert exc.value.error_dict["quantity"][0].code == "insufficient_stock"
    transfer.refresh_from_db()
    assert transfer.status == StockTransfer.Status.ACCEPTED
    assert level(world["wa"]) == D("500")


def test_only_channel_managers_propose_and_dealers_only_from_their_suggestions(world):
    with pytest.raises(PermissionDenied):
        services.transfer_propose(
            actor=world["owner_a"],
            product=world["product"],
            quantity="5",
            source_warehouse=world["wa"],
            destination_warehouse=world["wb"],
        )
    support = StaffUserFactory(groups=["support"])
    with pytest.raises(PermissionDenied):
        services.transfer_propose(
            actor=support,
            product=world["product"],
            quantity="5",
            source_warehouse=world["wa"],
            destination_warehouse=world["wb"],
        )
    suggest()
    suggestion = TransferSuggestion.objects.get()
    transfer = services.transfer_propose_from_suggestion(actor=world["owner_b"], suggestion=suggestion)
    # proposing it counts as the receiver's acceptance
    assert transfer.destination_accepted_at is not None and transfer.source_accepted_at is None
    with pytest.raises(ValidationError):
        services.transfer_propose_from_suggestion(actor=world["owner_a"], suggestion=suggestion)


def test_same_dealer_or_manufacturer_warehouses_are_refused(world):
    from tests.inventory.factories import WarehouseFactory

    second_a = WarehouseFactory(code="WH-A2", dealer=world["a"])
    factory_wh = WarehouseFactory(code="WH-MFR", dealer=None)
    for source, destination, field in [
        (world["wa"], second_a, "destination_warehouse"),
        (factory_wh, world["wb"], "source_warehouse"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.transfer_propose(
                actor=world["manager"],
                product=world["product"],
                quantity="5",
                source_warehouse=source,
                destination_warehouse=destination,
            )
        assert field in exc.value.error_dict
    assert StockTransfer.objects.count() == 0


def test_notifications_name_the_other_dealer_only_once_both_accept(world):
    suggest()
    transfer = services.transfer_propose_from_suggestion(
        actor=world["manager"], suggestion=TransferSuggestion.objects.get(), now=NOW
    )
    proposed = Notification.objects.filter(kind="transfer_proposed")
    assert {n.recipient for n in proposed} == {world["owner_a"], world["owner_b"]}
    assert all("Dealer A" not in n.body and "Dealer B" not in n.body for n in proposed)
    services.transfer_accept(actor=world["owner_a"], transfer=transfer)
    services.transfer_accept(actor=world["owner_b"], transfer=transfer)
    to_a = Notification.objects.get(kind="transfer_accepted", recipient=world["owner_a"])
    assert "Dealer B" in to_a.body


def test_a_manufacturer_key_acts_as_staff(world):
    key, _ = ApiKeyFactory.issue(manufacturer=True)
    transfer = services.transfer_propose(
        actor=key,
        product=world["product"],
        quantity="5",
        source_warehouse=world["wa"],
        destination_warehouse=world["wb"],
    )
    assert transfer.created_by.startswith("api-key")
