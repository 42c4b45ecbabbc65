"""The partner-facing sync contract (DOMAIN.md §5.2)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import StockLevel, StockMovement, Warehouse
from portal.models import IdempotencyRecord
from tests.inventory.factories import ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/inventory/sync/"
ADJUST = "/api/v1/inventory/adjustments/"
T1 = "2026-11-20T08:00:00+08:00"
T2 = "2026-11-21T08:00:00+08:00"
T3 = "2026-11-22T08:00:00+08:00"


@pytest.fixture
def wh(dealer):
    return WarehouseFactory(code="WH-A", dealer=dealer)


@pytest.fixture
def sku():
    return ProductFactory(sku="P-1")


def level(code="WH-A", sku="P-1"):
    return StockLevel.objects.get(warehouse__code=code, product__sku=sku)


def sync(client, *items, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(SYNC, {"items": list(items)}, format="json", **headers)


def adjust(client, *items, key="k-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(ADJUST, {"items": list(items)}, format="json", **headers)


def item(quantity, as_of, warehouse="WH-A", sku="P-1"):
    return {"warehouse": warehouse, "sku": sku, "quantity": quantity, "as_of": as_of}


def test_first_set_is_applied_and_recorded(dealer_client, wh, sku):
    response = sync(dealer_client, item(120, T1))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counts"] == {"applied": 1, "stale": 0, "unchanged": 0, "total": 1}
    assert body["items"] == [
        {"index": 0, "warehouse": "WH-A", "sku": "P-1", "outcome": "applied", "quantity": "120.000"}
    ]
    lv = level()
    assert lv.quantity == Decimal("120") and lv.as_of.isoformat() == "2026-11-20T00:00:00+00:00"
    movement = StockMovement.objects.get()
    assert (movement.kind, movement.delta, movement.quantity_after) == ("set", 120, 120)
    assert movement.source == dealer_client.api_key.label
    assert movement.request_id == body["request_id"]
    wh.refresh_from_db()
    assert wh.last_synced_at is not None


def test_arrival_order_does_not_matter(dealer_client, wh, sku):
    sync(dealer_client, item(50, T3))
    response = sync(dealer_client, item(10, T2))  # an older export arriving late
    assert response.json()["items"][0]["outcome"] == "stale"
    assert response.json()["items"][0]["quantity"] == "50.000"
    assert level().quantity == 50
    assert StockMovement.objects.count() == 1


def test_same_instant_is_unchanged_when_equal_and_stale_otherwise(dealer_client, wh, sku):
    sync(dealer_client, item(50, T2))
    same = sync(dealer_client, item("50.000", T2)).json()
    assert same["counts"] == {"applied": 0, "stale": 0, "unchanged": 1, "total": 1}
    other = sync(dealer_client, item(51, T2)).json()
    assert other["items"][0]["outcome"] == "stale"  # the first write for an instant wins
    assert level().quantity == 50 and StockMovement.objects.count() == 1


def test_adjusted_level_then_set_takes_any_as_of_and_ledger_adds_up(dealer_client, wh, sku):
    adjust(dealer_client, {"warehouse": "WH-A", "sku": "P-1", "delta": 5, "reason": "found"})
    assert level().as_of is None
    response = sync(dealer_client, item(3, T1))
    assert response.json()["items"][0]["outcome"] == "applied"
    deltas = list(StockMovement.objects.order_by("pk").values_list("delta", flat=True))
    assert deltas == [Decimal("5"), Decimal("-2")]
    call_command("check_stock_ledger", stdout=StringIO(), stderr=StringIO())


def test_mixed_batch_counts(dealer_client, wh, sku):
    ProductFactory(sku="P-2")
    ProductFactory(sku="P-3")
    sync(dealer_client, item(5, T2, sku="P-2"), item(7, T2, sku="P-3"))
    body = sync(dealer_client, item(1, T3), item(9, T1, sku="P-2"), item(7, T2, sku="P-3")).json()
    assert [i["outcome"] for i in body["items"]] == ["applied", "stale", "unchanged"]
    assert body["counts"] == {"applied": 1, "stale": 1, "unchanged": 1, "total": 3}


def test_invalid_batch_lists_every_error_and_applies_nothing(dealer_client, other_dealer, wh, sku):
    WarehouseFactory(code="WH-THEIRS", dealer=other_dealer)
    WarehouseFactory(code="WH-MFR", dealer=None)
    for code in ("P-4", "P-5", "P-6"):
        ProductFactory(sku=code)
    sync(dealer_client, item(10, T1))
    response = sync(
        dealer_client,
        item(99, T3),  # valid, but must not be applied
        item(1, T3, sku="NOPE"),
        item(1, T3, warehouse="WH-THEIRS"),
        item(1, T3, warehouse="WH-MFR"),
        item(-4, T3, sku="P-4"),
        item(1, "yesterday", sku="P-5"),
        {"warehouse": "WH-A", "sku": "P-6", "quantity": "1.2345", "as_of": "2026-11-22T08:00:00"},
        "not an object",
        item(1, T3, warehouse="WH-NOWHERE"),
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["type"] == "validation_error"
    got = [(e["attr"], e["code"]) for e in body["errors"]]
    assert got == [
        ("items.1.sku", "unknown_sku"),
        ("items.2.warehouse", "unknown_warehouse"),
        ("items.3.warehouse", "unknown_warehouse"),
        ("items.4.quantity", "negative_quantity"),
        ("items.5.as_of", "malformed"),
        ("items.6.quantity", "not_a_number"),
        ("items.6.as_of", "naive_datetime"),
        ("items.7", "not_an_object"),
        ("items.8.warehouse", "unknown_warehouse"),
    ]
    assert level().quantity == 10
    assert StockMovement.objects.count() == 1


def test_another_dealers_warehouse_is_unknown_not_forbidden(dealer_client, other_dealer, sku):
    WarehouseFactory(code="WH-B", dealer=other_dealer)
    response = sync(dealer_client, item(1, T1, warehouse="WH-B"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "code": "unknown_warehouse",
            "detail": "No warehouse you may write has this code.",
            "attr": "items.0.warehouse",
        }
    ]
    assert not StockLevel.objects.exists()


def test_a_value_repeated_in_the_batch_is_an_error_at_every_item(dealer_client, wh, sku):
    """Each distinct value is parsed once per batch; its error still reaches every item."""
    ProductFactory(sku="P-2")
    ProductFactory(sku="P-3")
    response = sync(
        dealer_client,
        item("abc", "2026-13-01T08:00:00+08:00"),
        item("abc", "2026-13-01T08:00:00+08:00", sku="P-2"),
        item("1", "2026-11-20T08:00:00", sku="P-3"),
    )
    assert response.status_code == 422, response.content
    got = sorted((e["attr"], e["code"]) for e in response.json()["errors"])
    assert got == [
        ("items.0.as_of", "malformed"),
        ("items.0.quantity", "not_a_number"),
        ("items.1.as_of", "malformed"),
        ("items.1.quantity", "not_a_number"),
        ("items.2.as_of", "naive_datetime"),
    ]
    assert not StockLevel.objects.exists()


def test_duplicate_item_in_batch_is_an_error(dealer_client, wh, sku):
    response = sync(dealer_client, item(1, T1), item(2, T2))
    assert response.status_code == 422
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("items.1.sku", "duplicate_item")
    ]
    assert not StockLevel.objects.exists()


@pytest.mark.parametrize(
    "payload,code",
    [({"items": []}, "empty_batch"), ({"nothing": 1}, "not_a_list"), ([1, 2], "not_a_list")],
)
def test_malformed_batches(dealer_client, wh, payload, code):
    response = dealer_client.post(SYNC, payload, format="json")
    assert response.status_code == 422
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("items", code)]


def test_batch_over_10000_items_is_refused(manufacturer_client, wh, sku):
    items = [item(1, T1)] * 10_001
    response = sync(manufacturer_client, *items)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "too_many_items"


def test_future_as_of_is_refused(dealer_client, wh, sku):
    response = sync(dealer_client, item(1, "2099-01-01T00:00:00Z"))
    assert response.json()["errors"][0]["code"] == "future_as_of"


def test_manufacturer_key_writes_any_warehouse(manufacturer_client, other_dealer, sku):
    WarehouseFactory(code="WH-B", dealer=other_dealer)
    WarehouseFactory(code="WH-MFR", dealer=None)
    response = sync(
        manufacturer_client, item(4, T1, warehouse="WH-B"), item(6, T1, warehouse="WH-MFR")
    )
    assert response.json()["counts"]["applied"] == 2


def test_anonymous_and_read_only_dealer(api_client, dealer_client, dealer, wh, sku):
    assert sync(api_client, item(1, T1)).status_code == 401
    dealer.status = "suspended"
    dealer.save()
    response = sync(dealer_client, item(1, T1))
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "dealer_read_only"
    assert not StockLevel.objects.exists()


def test_staff_user_needs_the_permission(api_client, wh, sku):
    from tests.factories import StaffUserFactory

    api_client.force_authenticate(StaffUserFactory(groups=["support"]))
    assert sync(api_client, item(1, T1)).status_code == 403
    api_client.force_authenticate(StaffUserFactory(is_superuser=True))
    assert sync(api_client, item(1, T1)).status_code == 200


# -- adjustments ----------------------------------------------------------------------------


def adj(delta, warehouse="WH-A", sku="P-1", **extra):
    return {"warehouse": warehouse, "sku": sku, "delta": delta, "reason": "cycle count", **extra}


def test_adjustment_requires_an_idempotency_key(dealer_client, wh, sku):
    response = adjust(dealer_client, adj(5), key=None)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "idempotency_key_required"
    assert response.json()["errors"][0]["attr"] == "Idempotency-Key"
    assert not StockLevel.objects.exists()


def test_adjustments_apply_and_keep_as_of(dealer_client, wh, sku):
    sync(dealer_client, item(10, T1))
    body = adjust(dealer_client, adj(-3), key="a1").json()
    assert body["items"][0] == {
        "index": 0,
        "warehouse": "WH-A",
        "sku": "P-1",
        "outcome": "applied",
        "quantity": "7.000",
    }
    lv = level()
    assert lv.quantity == 7 and lv.as_of is not None
    movement = StockMovement.objects.order_by("-pk").first()
    assert (movement.kind, movement.delta, movement.reason) == ("adjust", -3, "cycle count")


def test_expected_quantity_mismatch_and_negative_result_reject_the_batch(dealer_client, wh, sku):
    ProductFactory(sku="P-2")
    sync(dealer_client, item(10, T1))
    response = adjust(
        dealer_client,
        adj(1, sku="P-2"),  # fine alone
        adj(2, expected_quantity=9),
        key="a2",
    )
    assert response.status_code == 422
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("items.1.expected_quantity", "quantity_mismatch")
    ]
    assert "10.000" in response.json()["errors"][0]["detail"]
    response = adjust(dealer_client, adj(-11), key="a3")
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("items.0.delta", "negative_result")
    ]
    assert level().quantity == 10
    assert not StockLevel.objects.filter(product__sku="P-2").exists()  # rolled back
    assert StockMovement.objects.count() == 1
    ok = adjust(dealer_client, adj(2, expected_quantity=10), key="a4")
    assert ok.status_code == 200 and level().quantity == 12


def test_adjustment_validation_errors(dealer_client, wh, sku):
    response = adjust(dealer_client, {"warehouse": "WH-A", "sku": "P-1", "delta": "x"}, key="a5")
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("items.0.delta", "not_a_number"),
        ("items.0.reason", "required"),
    ]


# -- idempotency ----------------------------------------------------------------------------


def test_replay_returns_the_first_response_and_applies_nothing(dealer_client, wh, sku):
    first = adjust(dealer_client, adj(4), key="same")
    second = adjust(dealer_client, adj(4), key="same")
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert level().quantity == 4
    assert StockMovement.objects.count() == 1


def test_replay_on_sync_with_key(dealer_client, wh, sku):
    first = sync(dealer_client, item(4, T1), key="s1")
    # the level changes meanwhile: the replay still answers what the first request did
    sync(dealer_client, item(8, T2))
    second = sync(dealer_client, item(4, T1), key="s1")
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    assert level().quantity == 8


def test_same_key_different_body_is_422(dealer_client, wh, sku):
    adjust(dealer_client, adj(4), key="k")
    response = adjust(dealer_client, adj(5), key="k")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert level().quantity == 4


def test_key_in_flight_is_409(dealer_client, wh, sku, monkeypatch):
    monkeypatch.setattr("portal.api.idempotency.request_fingerprint", lambda request: "f" * 64)
    IdempotencyRecord.objects.create(
        scope=f"api-key:{dealer_client.api_key.pk}", key="busy", fingerprint="f" * 64
    )
    response = adjust(dealer_client, adj(4), key="busy")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "idempotency_key_in_flight"
    assert not StockLevel.objects.exists()
    assert IdempotencyRecord.objects.get(key="busy").status == "in_flight"  # not released


def test_keys_are_scoped_to_the_caller(dealer_client, manufacturer_client, wh, sku):
    adjust(dealer_client, adj(4), key="shared")
    response = adjust(manufacturer_client, adj(4), key="shared")
    assert response.status_code == 200 and "Idempotent-Replayed" not in response
    assert level().quantity == 8


def test_a_rejected_request_is_replayed_as_it_was_answered(dealer_client, wh, sku):
    """DOMAIN.md §5.2: the same key and body return the first response, whatever its status
    — a 422 included, even once the same request would now succeed."""
    first = adjust(dealer_client, adj(-1), key="retry")
    assert first.status_code == 422
    adjust(dealer_client, {**adj(5)}, key="other")
    again = adjust(dealer_client, adj(-1), key="retry")
    assert again.status_code == 422 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert level().quantity == 5  # the replay applied nothing
    fresh = adjust(dealer_client, adj(-1), key="new-key")
    assert fresh.status_code == 200 and level().quantity == 4


def test_records_are_purged_after_24_hours(dealer_client, wh, sku):
    from datetime import timedelta

    from django.utils import timezone

    adjust(dealer_client, adj(4), key="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    adjust(dealer_client, adj(1), key="new")
    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert "Purged 1 " in out.getvalue()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_expired_key_may_be_reused(dealer_client, wh, sku):
    from datetime import timedelta

    from django.utils import timezone

    adjust(dealer_client, adj(4), key="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    response = adjust(dealer_client, adj(4), key="old")
    assert "Idempotent-Replayed" not in response and level().quantity == 8


# -- set-based: constant statements ---------------------------------------------------------


def _batch_queries(client, n, as_of, plus=0):
    items = [item(i + plus, as_of, sku=f"Q-{i:05d}") for i in range(n)]
    with CaptureQueriesContext(connection) as ctx:
        response = sync(client, *items, key=f"q{n}{as_of}")
    assert response.status_code == 200, response.content[:500]
    assert response.json()["counts"]["applied"] == n
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_batch(manufacturer_client, wh):
    from dealers.models import Product
    from tests.factories import ProductLineFactory

    line = ProductLineFactory(code="PL-HOME")
    Product.objects.bulk_create(
        [Product(sku=f"Q-{i:05d}", name=f"Q {i}", product_line=line) for i in range(1000)]
    )
    sync(manufacturer_client, item(1, T1, sku="Q-00999"))  # warm the key lookup
    small = _batch_queries(manufacturer_client, 10, T2, plus=1)  # new levels
    large = _batch_queries(manufacturer_client, 1000, T3, plus=2)  # mostly new

    again = _batch_queries(manufacturer_client, 1000, "2026-11-22T09:00:00+08:00", plus=3)
    assert small == large
    # every level exists: the statement runs once in its savepoint (SAVEPOINT, statement,
    # RELEASE); a batch with new levels rolls back to the savepoint, inserts the missing
    # levels and runs it again (SAVEPOINT, statement, ROLLBACK TO, RELEASE, insert, statement)
    assert again == small - 3
    # key lookup; idempotency claim (purge, insert) and completion; warehouses, products;
    # the statement (lock, update, insert movements, mark synced) and missing levels; the
    # stock.levels_changed event (one INSERT per request); savepoints (one pair is the
    # handler's own, so that an error answered and stored rolls back its work)
    assert large <= 21
    assert StockMovement.objects.count() == 1 + 10 + 1000 + 1000
    assert level("WH-A", "Q-00500").quantity == 503
    call_command("check_stock_ledger", stdout=StringIO(), stderr=StringIO())


# -- the ledger check -----------------------------------------------------------------------


def test_check_stock_ledger_fails_on_a_corrupted_row(dealer_client, wh, sku):
    sync(dealer_client, item(10, T1))
    adjust(dealer_client, adj(-3), key="c1")
    out = StringIO()
    call_command("check_stock_ledger", stdout=out, stderr=StringIO())
    assert "OK" in out.getvalue()
    StockLevel.objects.update(quantity=Decimal("8"))  # changed behind the services' back
    err = StringIO()
    with pytest.raises(CommandError, match="1 stock level"):
        call_command("check_stock_ledger", stdout=StringIO(), stderr=err)
    assert "WH-A · P-1" in err.getvalue()
    assert "quantity 8.000, ledger sum 7.000" in err.getvalue()


def test_warehouse_last_synced_only_for_batch_warehouses(dealer_client, dealer, wh, sku):
    other = WarehouseFactory(code="WH-Z", dealer=dealer)
    sync(dealer_client, item(1, T1))
    assert Warehouse.objects.get(pk=other.pk).last_synced_at is None


def test_database_refuses_a_negative_quantity(dealer_client, wh, sku):
    from django.db import IntegrityError, transaction

    sync(dealer_client, item(1, T1))
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.update(quantity=Decimal("-1"))
    assert level().quantity == 1


def test_broker_outage_does_not_fail_a_committed_batch(
    dealer_client, wh, sku, monkeypatch, django_capture_on_commit_callbacks
):
    from inventory import tasks

    def down(**kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.stock_alerts_evaluate_batch, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = sync(dealer_client, item(3, T1))
    assert response.status_code == 200 and level().quantity == 3


def test_abandoned_in_flight_key_is_taken_over(dealer_client, wh, sku, monkeypatch):
    """A request that died mid-way rolled back everything but its claim; after ten minutes
    the same request may run."""
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr("portal.api.idempotency.request_fingerprint", lambda request: "f" * 64)
    IdempotencyRecord.objects.create(
        scope=f"api-key:{dealer_client.api_key.pk}",
        key="dead",
        fingerprint="f" * 64,
        created_at=timezone.now() - timedelta(minutes=11),
    )
    response = adjust(dealer_client, adj(4), key="dead")
    assert response.status_code == 200 and level().quantity == 4
    record = IdempotencyRecord.objects.get(key="dead")
    assert record.status == "completed" and record.response_body == response.json()
