"""Pure arithmetic and parsing (no database)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from inventory.calculations import average_daily_sales, set_outcome, share
from inventory.uploads import parse_stock_file

T = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    "stored_qty,stored_as_of,qty,as_of,expected",
    [
        ("0", None, "5", T, ("applied", "5", "5")),
        ("7", None, "5", T - timedelta(days=900), ("applied", "5", "-2")),  # only adjusted
        ("7", T, "9", T + timedelta(seconds=1), ("applied", "9", "2")),
        ("7", T, "7", T, ("unchanged", "7", "0")),
        ("7", T, "8", T, ("stale", "7", "0")),
        ("7", T, "8", T - timedelta(seconds=1), ("stale", "7", "0")),
        ("7", T, "7", T + timedelta(days=1), ("applied", "7", "0")),
    ],
)
def test_set_outcome(stored_qty, stored_as_of, qty, as_of, expected):
    outcome = set_outcome(
        current_quantity=Decimal(stored_qty),
        current_as_of=stored_as_of,
        quantity=Decimal(qty),
        as_of=as_of,
    )
    assert (outcome.outcome, outcome.quantity, outcome.delta) == (
        expected[0],
        Decimal(expected[1]),
        Decimal(expected[2]),
    )


def test_any_arrival_order_gives_the_latest_count():
    import itertools

    counts = [(T + timedelta(hours=h), Decimal(q)) for h, q in [(1, 5), (3, 9), (2, 4), (3, 1)]]
    for order in itertools.permutations(counts):
        quantity, as_of = Decimal("0"), None
        for when, q in order:
            outcome = set_outcome(
                current_quantity=quantity, current_as_of=as_of, quantity=q, as_of=when
            )
            if outcome.outcome == "applied":
                quantity, as_of = outcome.quantity, when
        assert as_of == T + timedelta(hours=3)
        assert quantity in (Decimal(9), Decimal(1))  # the first write for the latest instant


def test_average_and_share():
    assert average_daily_sales(Decimal("30")) == Decimal("1.0714")
    assert average_daily_sales(Decimal("-3")) == Decimal("-0.1071")
    assert share(1, 3) == Decimal("0.3333") and share(0, 0) is None


def test_parse_csv_gb18030_dates_and_blank_lines():
    text = "SKU,Warehouse,Quantity,As_Of\nHOME-1,GZ,5,2026-11-20\n\n广州,GZ,1,2026-11-20 08:30\n"
    now = datetime(2026, 11, 21, tzinfo=UTC)
    parsed = parse_stock_file(name="x.csv", data=text.encode("gb18030"), now=now)
    assert parsed.errors == []
    assert parsed.rows == [2, 4]
    assert parsed.items[0] == {
        "warehouse": "GZ",
        "sku": "HOME-1",
        "quantity": "5",
        "as_of": "2026-11-20T00:00:00+08:00",
    }
    assert parsed.items[1]["sku"] == "广州"
    assert parsed.items[1]["as_of"] == "2026-11-20T08:30:00+08:00"


def test_parse_missing_columns_and_default_as_of():
    now = datetime(2026, 11, 21, 3, tzinfo=UTC)
    bad = parse_stock_file(name="x.csv", data=b"warehouse,qty\nA,1\n", now=now)
    assert bad.items == [] and bad.errors[0]["code"] == "invalid_file"
    assert "missing: sku, quantity" in bad.errors[0]["message"]
    ok = parse_stock_file(
        name="x.csv", data=b"\xef\xbb\xbfwarehouse,sku,quantity\nA,B,1\n", now=now
    )
    assert ok.items == [{"warehouse": "A", "sku": "B", "quantity": "1", "as_of": now.isoformat()}]
