"""Dealer portal pages: statements, CSV, printable page, what-if, sales upload."""

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import Workbook

from commissions import selectors, services
from commissions.models import CommissionStatement, SaleLine
from portal.exports import csv_safe
from portal.periods import Month
from tests.commissions.factories import give_plan, local, plan_p, product, sale, senior
from tests.factories import DealerUserFactory, StaffUserFactory, region_tree

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


@pytest.fixture
def dealer_web(client, dealer):
    user = DealerUserFactory(membership__dealer=dealer)
    client.force_login(user)
    return client


def statement_for(dealer, amount="320000.00"):
    if not dealer.agreements.exists():
        give_plan(dealer, plan_p())
    sale(dealer, amount, local(2026, 10, 5, 10, 0))
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    return CommissionStatement.objects.get(dealer=dealer, period=OCT)


def test_statement_list_shows_own_statements_with_constant_queries(
    dealer_web, dealer, other_dealer, django_assert_max_num_queries
):
    mine = statement_for(dealer)
    statement_for(other_dealer)
    dealer_web.get("/statements/")
    with django_assert_max_num_queries(16) as captured:
        response = dealer_web.get("/statements/")
    few = len(captured.captured_queries)
    for month in (7, 8, 9):
        sale(dealer, "10.00", local(2026, month, 5, 10, 0))
        services.statements_build(period=dt.date(2026, month, 1), dealer_ids=[dealer.pk])
    with django_assert_max_num_queries(few):
        response = dealer_web.get("/statements/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f"/statements/{mine.pk}/" in body
    assert body.count("/statements/") >= 4
    assert "320,000.00" in body
    assert other_dealer.code not in body


def test_statement_detail_explains_each_component(dealer_web, dealer):
    senior(dealer)
    statement = statement_for(dealer)
    response = dealer_web.get(f"/statements/{statement.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "How we computed this" in body
    assert "Net sales 320,000 × base rate 0.6 = 192,000" in body
    assert "Highest step reached: 300,000; net sales 320,000 × 0.035 = 11,200" in body
    assert "Tier senior at the end of the month" in body
    step = statement.components.get(kind="step")
    assert f"/tickets/dispute/?subject=commissions.statementcomponent:{step.pk}" in body
    assert "204,800.00" in body


def test_other_dealers_statement_is_404(dealer_web, other_dealer):
    theirs = statement_for(other_dealer)
    for suffix in ("", "csv/", "print/"):
        assert dealer_web.get(f"/statements/{theirs.pk}/{suffix}").status_code == 404


def test_csv_export(dealer_web, dealer):
    statement = statement_for(dealer)
    finance = StaffUserFactory(groups=["finance"])
    services.statement_adjustment_add(
        statement=statement, actor=finance, amount=D("-10.00"), reason='=HYPERLINK("x")'
    )
    response = dealer_web.get(f"/statements/{statement.pk}/csv/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["dealer", "month", "status", "kind", "amount"]
    assert [r[3:5] for r in rows[1:]] == [
        ["base commission", "192000.00"],
        ["step bonus", "11200.00"],
        ["tier bonus", "0.00"],
        ["adjustment", "'-10.00"],
        ["total", "203190.00"],
    ]
    assert rows[4][7] == '\'=HYPERLINK("x")'


@pytest.mark.parametrize(
    "value,expected",
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM", "'@SUM"), ("ok", "ok"), (None, "")],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_printable_page(dealer_web, dealer):
    statement = statement_for(dealer)
    response = dealer_web.get(f"/statements/{statement.pk}/print/")
    assert response.status_code == 200
    assert "data-print" in response.content.decode()  # bound by static/portal/site.js
    assert "192,000" in response.content.decode()


def test_staff_sees_every_statement(client, dealer, other_dealer):
    statement_for(dealer)
    statement_for(other_dealer)
    client.force_login(StaffUserFactory(groups=["finance"]))
    body = client.get("/statements/?period=2026-10").content.decode()
    assert dealer.code in body and other_dealer.code in body


def test_whatif_panel_uses_the_statement_arithmetic(dealer_web, dealer):
    give_plan(dealer, plan_p("whole"))
    start, _end = Month.current().bounds()
    sale(dealer, "250000.00", start + dt.timedelta(minutes=1))
    whatif = selectors.whatif_for_dealer(dealer=dealer)
    assert whatif.result.amount_to_next == D("50000.00")
    assert whatif.result.would_add == D("35500.00")  # 150,000 + 5,000 → 180,000 + 10,500
    body = dealer_web.get("/commissions/what-if/").content.decode()
    assert "Sell 50,000.00 CNY more to reach the 3.5 % step at 300,000.00" in body
    assert "35,500.00 CNY" in body
    # the partial the dashboard includes
    html = render_to_string("commissions/_whatif.html", {"whatif": whatif})
    assert 'id="whatif-panel"' in html


def test_whatif_without_plan(dealer_web):
    assert (
        "No commission plan applies this month."
        in dealer_web.get("/commissions/what-if/").content.decode()
    )


def _csv_upload(rows, name="sales.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["external_id", "sku", "quantity", "amount", "sold_at", "ship_to_region"])
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


def test_upload_preview_then_confirm(dealer_web, dealer):
    product("SKU-1")
    region_tree()
    sale(dealer, "5.00", local(2026, 10, 1, 9, 0), external_id="U0")
    rows = [
        ["U0", "SKU-1", "1", "5.00", "2026-10-01 09:00:00", "CN-GD-SZ"],
        ["U1", "SKU-1", "2", "300.00", "2026-10-02 10:00:00", "CN-GD-SZ"],
    ]
    response = dealer_web.post("/sales/upload/", {"file": _csv_upload(rows)})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="upload-preview"' in body and "1 new line(s), 1 already reported" in body
    assert SaleLine.objects.filter(dealer=dealer).count() == 1  # nothing written yet
    response = dealer_web.post("/sales/upload/", {"confirm": "1"}, follow=True)
    assert "1 line(s) recorded, 1 already reported." in response.content.decode()
    new = SaleLine.objects.get(dealer=dealer, external_id="U1")
    assert new.sold_at == local(2026, 10, 2, 10, 0)  # naive times: manufacturer's zone
    assert new.source == "upload:sales.csv"


def test_upload_lists_errors_by_row(dealer_web, dealer):
    product("SKU-1")
    region_tree()
    rows = [
        ["E1", "SKU-1", "1", "5.00", "2026-10-01 09:00", "CN-GD-SZ"],
        ["E2", "NOPE", "1", "5.00", "2026-10-01 09:00", "CN-GD-SZ"],
    ]
    body = dealer_web.post("/sales/upload/", {"file": _csv_upload(rows)}).content.decode()
    assert 'id="upload-errors"' in body and "unknown_sku" in body
    assert "<td>3</td>" in body  # file row 3 (header is row 1)
    assert not SaleLine.objects.filter(dealer=dealer).exists()


def test_upload_xlsx(dealer_web, dealer):
    product("SKU-1")
    region_tree()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["external_id", "sku", "quantity", "amount", "sold_at", "ship_to_region"])
    sheet.append(["X1", "SKU-1", 3, 99.5, dt.datetime(2026, 10, 3, 8, 0), "CN-BJ"])
    data = io.BytesIO()
    workbook.save(data)
    upload = SimpleUploadedFile("sales.xlsx", data.getvalue())
    assert dealer_web.post("/sales/upload/", {"file": upload}).status_code == 200
    dealer_web.post("/sales/upload/", {"confirm": "1"})
    line = SaleLine.objects.get(dealer=dealer, external_id="X1")
    assert (line.amount, line.quantity, line.sold_at) == (
        D("99.50"),
        D("3.000"),
        local(2026, 10, 3, 8, 0),
    )


def test_upload_refuses_missing_columns_and_suspended_dealers(dealer_web, dealer):
    bad = SimpleUploadedFile("s.csv", b"external_id,sku\nA,B\n")
    assert "Missing columns" in dealer_web.post("/sales/upload/", {"file": bad}).content.decode()
    dealer.status = "suspended"
    dealer.save()
    response = dealer_web.post("/sales/upload/", {"file": _csv_upload([])}, follow=True)
    assert "read-only" in response.content.decode()


def test_pages_need_a_login(client):
    assert client.get("/statements/").status_code == 302


def test_staff_cannot_open_the_upload(client):
    client.force_login(StaffUserFactory())
    assert client.get("/sales/upload/").status_code == 404


def test_approval_notifies_the_dealers_users(dealer, db):
    user = DealerUserFactory(membership__dealer=dealer)
    statement = statement_for(dealer)
    services.statement_approve(statement=statement, actor=StaffUserFactory(groups=["finance"]))
    note = user.notifications.get()
    assert note.url == f"/statements/{statement.pk}/"
    assert "2026-10" in note.title


def test_statement_page_in_simplified_chinese(dealer_web, dealer):
    statement = statement_for(dealer)
    dealer_web.cookies["django_language"] = "zh-hans"
    body = dealer_web.get(f"/statements/{statement.pk}/").content.decode()
    assert "计算说明" in body
    assert "净销售额 320,000 × 基础比例 0.6 = 192,000" in body


def test_notifications_are_in_each_users_language(dealer, db):
    user = DealerUserFactory(membership__dealer=dealer, preferred_language="zh-hans")
    statement = statement_for(dealer)
    services.statement_approve(statement=statement, actor=StaffUserFactory(groups=["finance"]))
    with translation.override(user.preferred_language):
        assert user.notifications.get().display_title == "您 2026-10 的佣金结算单已批准"
