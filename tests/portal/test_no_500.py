"""No input yields a 500 (issue 11, item 3): each class of bad input is refused with a field,
a code and a message, and nothing changes."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from commissions.models import SaleLine
from conflicts.models import TicketComment
from inventory.models import StockLevel
from portal import tabular
from portal.inputs import MAX_TEXT
from tests.commissions.factories import product
from tests.commissions.test_api import line as sale_line
from tests.conflicts.factories import make_ticket
from tests.factories import DealerUserFactory
from tests.inventory.factories import WarehouseFactory

pytestmark = pytest.mark.django_db

SALES = "/api/v1/sales/"
SYNC = "/api/v1/inventory/sync/"
ADJUST = "/api/v1/inventory/adjustments/"


def errors(response) -> set[tuple[str, str]]:
    return {(e["attr"], e["code"]) for e in response.json()["errors"]}


# --- NUL characters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "body", "attr"),
    [
        (SALES, {"lines": [{"external_id": "E\x001"}]}, "lines.0.external_id"),
        (SYNC, {"items": [{"warehouse": "W", "sku": "S\x00"}]}, "items.0.sku"),
        (ADJUST, {"items": [{"warehouse": "W", "reason": "\x00"}]}, "items.0.reason"),
        (SYNC, {"items": [{"k\x00ey": 1}]}, "items.0.key"),
    ],
)
def test_nul_in_a_json_body_is_a_400_naming_the_field(manufacturer_client, url, body, attr):
    response = manufacturer_client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="nul-test")
    assert response.status_code == 400
    assert errors(response) == {(attr, "null_characters_not_allowed")}
    assert not SaleLine.objects.exists() and not StockLevel.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/inventory/regions/?region=CN%00",
        "/api/v1/dealers/?region=%00",
        "/api/v1/sales/?region=CN-GD%00",
        "/api/v1/inventory/levels/?region=%00&sku=x",
    ],
)
def test_nul_in_a_query_parameter_is_a_400_naming_it(manufacturer_client, url):
    response = manufacturer_client.get(url)
    assert response.status_code == 400
    assert errors(response) == {("region", "null_characters_not_allowed")}


def test_nul_in_a_portal_page_is_a_400_or_404(client, dealer):
    client.force_login(DealerUserFactory(membership__dealer=dealer))
    assert client.get("/stock/?region=%00").status_code == 400
    assert client.get("/dealer/agreements/A%00/").status_code == 404
    ticket = make_ticket(dealer)
    response = client.post(f"/tickets/{ticket.pk}/comment/", {"body": "hi\x00"})
    assert response.status_code == 400
    assert not TicketComment.objects.exists()


def test_nul_in_an_uploaded_table_is_the_uploads_error():
    with pytest.raises(tabular.TableError, match="Row 2 contains a NUL character"):
        tabular.read_table(name="s.csv", data=b"warehouse,sku\nW\x00,S\n", max_rows=10)


# --- JSON shape and size -------------------------------------------------------------------


def test_json_nested_1000_deep_is_a_400(manufacturer_client):
    body = '{"lines": ' + "[" * 1000 + "]" * 1000 + "}"
    response = manufacturer_client.post(SALES, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


def test_json_nested_33_deep_is_a_400_and_32_is_parsed(manufacturer_client):
    """Past the JSON module's own recursion guard: the parser's depth check, also on the
    fast path taken for a body without NUL characters."""
    for depth, expected in ((33, 400), (32, 400)):
        inner = "[" * (depth - 2) + "{}" + "]" * (depth - 2)
        body = '{"lines": ' + inner + "}"
        response = manufacturer_client.post(SALES, body, content_type="application/json")
        assert response.status_code == expected
        code = response.json()["errors"][0]["code"]
        assert (code == "parse_error") == (depth == 33), (depth, response.json())


def test_a_body_over_the_limit_is_a_413(manufacturer_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"lines": [sale_line(external_id=f"E{i}") for i in range(20)]})
    response = manufacturer_client.post(SALES, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "request_too_large"
    assert not SaleLine.objects.exists()


# --- times ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sold_at", "code"),
    [
        ("2026-10-05T10:00:00+20:00", "offset_out_of_range"),
        ("2026-10-05T10:00:00-16:00", "offset_out_of_range"),
        ("2026-10-05T10:00:00+99:00", "offset_out_of_range"),
        ("0001-01-01T00:00:00+08:00", "year_out_of_range"),
        ("0001-01-01T00:00:00Z", "year_out_of_range"),
    ],
)
def test_sold_at_out_of_range_is_a_field_error(dealer_client, sold_at, code):
    response = dealer_client.post(SALES, {"lines": [sale_line(sold_at=sold_at)]}, format="json")
    assert response.status_code == 422
    assert errors(response) == {("lines.0.sold_at", code)}
    assert not SaleLine.objects.exists()


def test_as_of_out_of_range_is_a_field_error(manufacturer_client):
    warehouse = WarehouseFactory()
    item = {"warehouse": warehouse.code, "sku": product("SKU-1").sku, "quantity": "1"}
    response = manufacturer_client.post(
        SYNC,
        {
            "items": [
                {**item, "as_of": "2026-10-05T10:00:00+20:00"},
                {**item, "as_of": "0001-01-01T00:00:00+08:00"},
            ]
        },
        format="json",
    )
    assert response.status_code == 422
    assert {("items.0.as_of", "offset_out_of_range"), ("items.1.as_of", "year_out_of_range")} <= (
        errors(response)
    )
    assert not StockLevel.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/sales/?sold_after=2026-10-05T10:00:00%2B20:00",
        "/api/v1/sales/?sold_before=0001-01-01T00:00:00%2B08:00",
        "/api/v1/inventory/levels/?updated_since=2026-10-05T10:00:00-18:00",
        "/api/v1/tickets/?opened_after=2026-10-05T10:00:00%2B16:30",
    ],
)
def test_time_filters_out_of_range_are_a_400(manufacturer_client, query):
    response = manufacturer_client.get(query)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["code"] in ("offset_out_of_range", "year_out_of_range")


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", 1e308),
        ("amount", "1e30"),
        ("quantity", "1e30"),
        ("quantity", 1e308),
        # numeric(14, 3): 12 integer digits no longer pass as "at most 13"
        ("quantity", "100000000000"),
        ("amount", "100000000000000"),
    ],
)
def test_huge_amounts_and_quantities_are_a_field_error(dealer_client, field, value):
    line = sale_line(**{field: value, "amount" if field == "quantity" else "quantity": "1"})
    response = dealer_client.post(SALES, {"lines": [line]}, format="json")
    assert response.status_code == 422, response.content
    assert (f"lines.0.{field}", "max_digits") in errors(response)
    assert not SaleLine.objects.exists()


def test_an_adjustment_beyond_the_column_is_a_field_error(manufacturer_client):
    warehouse = WarehouseFactory()
    item = {"warehouse": warehouse.code, "sku": product("SKU-1").sku}
    manufacturer_client.post(
        SYNC,
        {"items": [{**item, "quantity": "99999999999", "as_of": "2026-01-01T00:00:00Z"}]},
        format="json",
    )
    response = manufacturer_client.post(
        ADJUST,
        {"items": [{**item, "delta": "1", "reason": "count"}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="too-much",
    )
    assert response.status_code == 422, response.content
    assert errors(response) == {("items.0.delta", "max_digits")}
    assert StockLevel.objects.get().quantity == 99999999999


# --- free text -----------------------------------------------------------------------------


def test_free_text_has_a_size_limit(dealer_client, dealer):
    ticket = make_ticket(dealer)
    url = f"/api/v1/tickets/{ticket.pk}/comments/"
    response = dealer_client.post(url, {"body": "x" * (MAX_TEXT + 1)}, format="json")
    assert response.status_code == 400
    assert errors(response) == {("body", "max_length")}
    assert not TicketComment.objects.exists()
    assert dealer_client.post(url, {"body": "x" * MAX_TEXT}, format="json").status_code == 201


# --- uploaded tables -----------------------------------------------------------------------


def _xlsx(rows: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["warehouse", "sku", "quantity"])
    for n in range(rows):
        sheet.append(["W", f"S{n}", 1])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xlsx_is_read_only_up_to_the_row_limit(monkeypatch):
    data = _xlsx(60)
    assert len(tabular.read_table(name="s.xlsx", data=data, max_rows=60)) == 61
    with pytest.raises(tabular.TableError, match="at most 50 data rows"):
        tabular.read_table(name="s.xlsx", data=data, max_rows=50)
    monkeypatch.setattr(tabular, "MAX_XLSX_UNCOMPRESSED", 1000)
    with pytest.raises(tabular.TableError, match="too large when unpacked"):
        tabular.read_table(name="s.xlsx", data=data, max_rows=50)


def test_a_sales_upload_over_the_row_limit_shows_the_limit(client, dealer, monkeypatch):
    from commissions import forms

    monkeypatch.setattr(forms, "MAX_ROWS", 5)
    rows, problems = forms.read_upload(SimpleUploadedFile("s.xlsx", _xlsx(10)))
    assert rows == [] and problems[0]["message"] == "A file has at most 5 data rows."
