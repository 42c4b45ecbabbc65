"""A transfer step and syncs/adjustments on the same level at once lose nothing: the step
locks the level like the sync path does (DOMAIN.md §16, §5.1)."""

import threading
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from inventory import services as inventory
from inventory.models import StockLevel
from rotation import services
from rotation.models import StockTransfer
from tests.factories import ApiKeyFactory, DealerUserFactory, StaffUserFactory
from tests.rotation.factories import example

pytestmark = pytest.mark.django_db(transaction=True)
ADJUSTERS = 4
ROUNDS = 5


def test_ship_and_receive_while_adjustments_hit_both_levels(db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    w = example()
    owner_a = DealerUserFactory(membership__dealer=w["a"], membership__role="owner")
    owner_b = DealerUserFactory(membership__dealer=w["b"], membership__role="owner")
    manager = StaffUserFactory(groups=["channel_manager"])
    transfers = []
    for _ in range(ROUNDS):
        t = services.transfer_propose(
            actor=manager,
            product=w["product"],
            quantity="10",
            source_warehouse=w["wa"],
            destination_warehouse=w["wb"],
        )
        services.transfer_accept(actor=owner_a, transfer=t)
        services.transfer_accept(actor=owner_b, transfer=t)
        transfers.append(t)
    key_a, _ = ApiKeyFactory.issue(dealer=w["a"])
    key_b, _ = ApiKeyFactory.issue(dealer=w["b"])
    errors = []

    def guarded(fn):
        def run(*args):
            try:
                fn(*args)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                connection.close()

        return run

    def move_stock():
        for t in transfers:
            services.transfer_ship(actor=owner_a, transfer=t)
            services.transfer_receive(actor=owner_b, transfer=t)

    def adjust(n):
        for r in range(ROUNDS):
            # both levels in one batch, in the other order too: no deadlock, no lost update
            pairs = [("WH-A", key_a), ("WH-B", key_b)]
            for code, key in pairs if (n + r) % 2 else reversed(pairs):
                inventory.stock_levels_apply_adjustments(
                    actor=key,
                    items=[{"warehouse": code, "sku": "P-1", "delta": "1", "reason": f"t{n}r{r}"}],
                )

    threads = [threading.Thread(target=guarded(move_stock))]
    threads += [threading.Thread(target=guarded(adjust), args=(n,)) for n in range(ADJUSTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert errors == []
    adjusted = D(ADJUSTERS * ROUNDS)
    levels = dict(StockLevel.objects.values_list("warehouse__code", "quantity"))
    assert levels["WH-A"] == D("500") - 10 * ROUNDS + adjusted
    assert levels["WH-B"] == D("20") + 10 * ROUNDS + adjusted
    assert set(StockTransfer.objects.values_list("status", flat=True)) == {"received"}
    call_command("check_stock_ledger", stdout=StringIO(), stderr=StringIO())
