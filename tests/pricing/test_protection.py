"""Price protection (DOMAIN.md §13): the example (40 units, 1,000.00 → 950.00 from
2027-01-10 00:00 Asia/Shanghai → 2,000.00 in January 2027), read from the ledger at the
guide's instant, booked once per (dealer, guide), by the job, the command and the API."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command

from commissions.explain import explain
from commissions.models import CommissionStatement, StatementComponent
from inventory.services import stock_levels_apply_adjustments, stock_levels_apply_sets
from portal.models import JobRun
from pricing.models import PriceGuide
from pricing.services import price_protection_book
from tests.factories import ApiKeyFactory, DealerFactory, region_tree
from tests.inventory.factories import WarehouseFactory
from tests.pricing.factories import guide, product, sh

pytestmark = pytest.mark.django_db


def _set(key, warehouse, sku, quantity, when):
    item = {"warehouse": warehouse.code, "sku": sku, "quantity": quantity}
    stock_levels_apply_sets(actor=key, items=[{**item, "as_of": when.isoformat()}], now=when)


def _adjust(key, warehouse, sku, delta, when):
    item = {"warehouse": warehouse.code, "sku": sku, "delta": delta, "reason": "sold"}
    stock_levels_apply_adjustments(actor=key, items=[item], now=when)


@pytest.fixture
def example():
    region_tree()
    key = ApiKeyFactory.issue(manufacturer=True)[0]
    item = product("P-1")
    a, b = DealerFactory(code="DEALER-A"), DealerFactory(code="DEALER-B")
    wa1 = WarehouseFactory(code="WH-A1", dealer=a, region=region_tree()["CN-GD-SZ"])
    wa2 = WarehouseFactory(code="WH-A2", dealer=a, region=region_tree()["CN-BJ"])
    wb = WarehouseFactory(code="WH-B", dealer=b, region=region_tree()["CN-GD-GZ"])
    guide(item, "1000.00", "900.00", sh(2026, 12, 1))
    _set(key, wa1, "P-1", 25, sh(2027, 1, 2, 10))
    _set(key, wa2, "P-1", 15, sh(2027, 1, 3, 10))
    _set(key, wb, "P-1", 0, sh(2027, 1, 3, 10))
    # After the instant: sold and restocked — today's levels are not what counts.
    _adjust(key, wa1, "P-1", -20, sh(2027, 1, 10, 9))
    _set(key, wb, "P-1", 100, sh(2027, 1, 11, 9))
    new = guide(item, "950.00", "850.00", sh(2027, 1, 10))
    return a, b, new


def test_the_example_credits_2000_in_january_2027_from_the_ledger_at_the_instant(example):
    a, b, new = example

    counts = price_protection_book(now=sh(2027, 1, 12, 8))

    assert counts == {"guides": 2, "credits": 1}
    credit = StatementComponent.objects.get(kind="price_protection")
    assert (credit.dealer, credit.amount) == (a, D("2000.00"))
    assert credit.statement.period.isoformat() == "2027-01-01"
    assert credit.statement.total == D("2000.00")
    assert credit.source_key == f"price_guide:{new.pk}"
    warehouses = {w["warehouse"]: w for w in credit.derivation["warehouses"]}
    assert warehouses["WH-A1"]["units"] == "25" and warehouses["WH-A2"]["units"] == "15"
    assert warehouses["WH-A1"]["old_list_price"] == "1000.00"
    assert warehouses["WH-A1"]["new_list_price"] == "950.00"
    assert not StatementComponent.objects.filter(dealer=b).exists()
    assert explain("price_protection", credit.amount, credit.derivation)[0] == (
        "Price protection for P-1 from 2027-01-10 00:00: warehouse WH-A1 held 25 × "
        "(1,000.00 − 950.00) = 1,250.00"
    )
    run = JobRun.objects.get(job="book_price_protection")
    assert run.status == "succeeded" and run.counts["credits"] == 1


def test_booking_again_changes_nothing(example):
    price_protection_book(now=sh(2027, 1, 12, 8))
    before = list(CommissionStatement.objects.values_list("pk", "total"))

    assert price_protection_book(now=sh(2027, 1, 12, 9)) == {"guides": 0, "credits": 0}
    assert price_protection_book(now=sh(2027, 1, 12, 9), include_booked=True)["credits"] == 0
    call_command("book_price_protection", now="2027-01-12T10:00:00+08:00", all=True)

    assert StatementComponent.objects.filter(kind="price_protection").count() == 1
    assert list(CommissionStatement.objects.values_list("pk", "total")) == before


def test_nothing_is_booked_before_the_instant(example):
    assert price_protection_book(now=sh(2027, 1, 9, 23, 59))["credits"] == 0
    assert not StatementComponent.objects.exists()
    assert PriceGuide.objects.filter(protection_booked_at__isnull=False).count() == 1


def test_an_approved_january_books_into_the_current_draft(example):
    a, _b, _new = example
    january = CommissionStatement.objects.create(
        dealer=a, period="2027-01-01", currency="CNY", status="approved"
    )
    price_protection_book(now=sh(2027, 2, 3, 8))
    credit = StatementComponent.objects.get(kind="price_protection")
    assert credit.statement != january
    assert credit.statement.period.isoformat() == "2027-02-01"


def test_a_regional_guide_credits_only_the_warehouses_it_applies_to(example):
    a, _b, _new = example
    item = product("P-1")
    guide(item, "900.00", "800.00", sh(2027, 1, 20), region="CN-GD")
    price_protection_book(now=sh(2027, 1, 21))
    credits = StatementComponent.objects.filter(kind="price_protection", dealer=a).order_by("pk")
    # 1,000 → 950 (both warehouses), then 950 → 900 in CN-GD only: WH-A1 holds 5 by then
    assert [c.amount for c in credits] == [D("2000.00"), D("250.00")]


def test_the_command_books_the_example_and_the_statement_api_shows_it(example, capsys):
    a, _b, _new = example
    call_command("book_price_protection", now="2027-01-12T08:00:00+08:00")
    assert "1 credits booked for 2 price guides" in capsys.readouterr().out
    from tests.conftest import _key_client

    client = _key_client(ApiKeyFactory.issue(dealer=a))
    body = client.get("/api/v1/commission-statements/", {"period": "2027-01"}).json()
    (statement,) = body["results"]
    parts = {c["kind"]: c["amount"] for c in statement["components"]}
    assert parts["price_protection"] == "2000.00"
