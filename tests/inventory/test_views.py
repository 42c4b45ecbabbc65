"""Portal pages: dealer stock and uploads, the staff regional view, and the admin."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory.models import StockLevel, StockMovement, StockUpload
from tests.factories import DealerUserFactory, StaffUserFactory, region_tree
from tests.inventory.factories import ProductFactory, ReorderRuleFactory, WarehouseFactory
from tests.inventory.test_read_api import sell, set_stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(dealer, other_dealer):
    tree = region_tree()
    mine = WarehouseFactory(code="WH-MINE", dealer=dealer, region=tree["CN-GD-SZ"])
    theirs = WarehouseFactory(code="WH-THEIRS", dealer=other_dealer, region=tree["CN-GD-GZ"])
    a, b = ProductFactory(sku="A-1"), ProductFactory(sku="B-1")
    set_stock(mine, a, 10)
    set_stock(theirs, b, 99)
    return {"mine": mine, "theirs": theirs, "a": a, "b": b}


@pytest.fixture
def dealer_web(client, dealer_user):
    client.force_login(dealer_user)
    return client


def csv_file(text, name="stock.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_dealer_sees_only_its_stock(dealer_web, stock):
    response = dealer_web.get(reverse("inventory:stock_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "WH-MINE" in body and "WH-THEIRS" not in body
    filtered = dealer_web.get(reverse("inventory:stock_list") + "?sku=B-1").content.decode()
    assert "No stock levels match." in filtered


def test_stock_list_query_count(dealer_web, stock, dealer, django_assert_max_num_queries):
    for i in range(15):
        set_stock(stock["mine"], ProductFactory(sku=f"M-{i}"), i)
    with django_assert_max_num_queries(12):
        response = dealer_web.get(reverse("inventory:stock_list"))
    assert response.content.decode().count('data-sku="M-') == 15


def test_upload_with_errors_shows_every_error_by_row_and_applies_nothing(dealer_web, stock):
    text = (
        "warehouse,sku,quantity\nWH-MINE,A-1,12\nWH-MINE,NOPE,3\nWH-THEIRS,B-1,1\nWH-MINE,B-1,-2\n"
    )
    response = dealer_web.post(reverse("inventory:stock_upload"), {"file": csv_file(text)})
    upload = StockUpload.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/stock/upload/{upload.pk}/")
    assert [(e["row"], e["field"], e["code"]) for e in upload.errors] == [
        (3, "sku", "unknown_sku"),
        (4, "warehouse", "unknown_warehouse"),
        (5, "quantity", "negative_quantity"),
    ]
    page = dealer_web.get(response.url).content.decode()
    assert "The file has 3 errors" in page and 'id="upload-confirm"' not in page
    assert dealer_web.post(response.url).status_code == 302  # confirming is refused
    assert StockLevel.objects.get(warehouse__code="WH-MINE", product__sku="A-1").quantity == 10


def test_upload_preview_then_confirm_applies_exactly_what_was_previewed(dealer_web, stock):
    text = "warehouse,sku,quantity,as_of\nWH-MINE,A-1,12,2026-11-21 09:00\nWH-MINE,B-1,5,\n"
    response = dealer_web.post(reverse("inventory:stock_upload"), {"file": csv_file(text)})
    page = dealer_web.get(response.url).content.decode()
    assert "2 levels will change." in page and 'id="upload-confirm"' in page
    upload = StockUpload.objects.get()
    assert upload.items[0]["as_of"] == "2026-11-21T09:00:00+08:00"  # manufacturer's time zone
    assert upload.rows == [2, 3]
    assert StockLevel.objects.filter(warehouse__code="WH-MINE").count() == 1  # nothing yet
    done = dealer_web.post(response.url)
    assert done.status_code == 302 and done.url == reverse("inventory:stock_list")
    levels = dict(
        StockLevel.objects.filter(warehouse__code="WH-MINE").values_list("product__sku", "quantity")
    )
    assert levels == {"A-1": Decimal("12"), "B-1": Decimal("5")}
    assert set(
        StockMovement.objects.filter(source=f"upload:{upload.pk}").values_list("delta", flat=True)
    ) == {
        Decimal("2"),
        Decimal("5"),
    }
    dealer_web.post(response.url)  # a second confirmation applies nothing more
    assert StockMovement.objects.filter(source=f"upload:{upload.pk}").count() == 2
    upload.refresh_from_db()
    assert upload.status == "applied" and upload.result["applied"] == 2


def test_xlsx_upload(dealer_web, stock):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["warehouse", "sku", "quantity"])
    sheet.append(["WH-MINE", "A-1", 7])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload_file = SimpleUploadedFile("stock.xlsx", buffer.getvalue())
    response = dealer_web.post(reverse("inventory:stock_upload"), {"file": upload_file})
    upload = StockUpload.objects.get()
    assert upload.errors == [] and upload.items[0]["quantity"] == "7"
    dealer_web.post(response.url)
    assert StockLevel.objects.get(warehouse__code="WH-MINE", product__sku="A-1").quantity == 7


def test_bad_files(dealer_web, stock):
    dealer_web.post(reverse("inventory:stock_upload"), {"file": csv_file("a,b\n1,2\n")})
    assert StockUpload.objects.get().errors[0]["code"] == "invalid_file"
    response = dealer_web.post(reverse("inventory:stock_upload"), {"file": csv_file("x", "s.txt")})
    assert (
        response.status_code == 200 and "Upload a .csv or .xlsx file." in response.content.decode()
    )


def test_another_users_upload_is_404(client, dealer_web, stock, other_dealer):
    dealer_web.post(
        reverse("inventory:stock_upload"),
        {"file": csv_file("warehouse,sku,quantity\nWH-MINE,A-1,1\n")},
    )
    upload = StockUpload.objects.get()
    intruder = DealerUserFactory(membership__dealer=other_dealer)
    client.logout()
    client.force_login(intruder)
    url = reverse("inventory:stock_upload_preview", args=[upload.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert StockLevel.objects.get(warehouse__code="WH-MINE", product__sku="A-1").quantity == 10


def test_suspended_dealer_cannot_upload(dealer_web, dealer, stock):
    dealer.status = "suspended"
    dealer.save()
    assert dealer_web.get(reverse("inventory:stock_upload")).status_code == 403
    assert "upload-link" not in dealer_web.get(reverse("inventory:stock_list")).content.decode()


def test_regional_view_for_staff(client, stock, dealer, django_assert_max_num_queries):
    tree = region_tree()
    ReorderRuleFactory(
        product=stock["a"], region=tree["CN-GD"], min_days_cover=20, max_days_cover=40
    )
    sell(dealer, stock["a"], 28, "CN-GD-SZ")
    staff = StaffUserFactory(groups=["channel_manager"])
    client.force_login(staff)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("inventory:stock_regions")).content.decode()
    assert 'data-region="CN-GD"' in page and "109" in page  # 10 + 99 in Guangdong
    with django_assert_max_num_queries(16):
        detail = client.get(reverse("inventory:stock_region", args=["CN-GD"])).content.decode()
    assert 'id="region-products"' in detail and "A-1" in detail
    assert "10.0 days" in detail  # 10 in stock, 1 a day


def test_regional_view_is_404_for_dealers(dealer_web, stock):
    assert dealer_web.get(reverse("inventory:stock_regions")).status_code == 404


@pytest.mark.parametrize(
    "model",
    [
        "dealers_product",
        "inventory_warehouse",
        "inventory_stocklevel",
        "inventory_stockmovement",
        "inventory_reorderrule",
        "inventory_stockalert",
        "inventory_stockupload",
    ],
)
def test_admin_pages(admin_client, stock, model):
    response = admin_client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200


def test_admin_levels_are_read_only(admin_client, stock):
    level = StockLevel.objects.first()
    response = admin_client.post(
        reverse("admin:inventory_stocklevel_change", args=[level.pk]), {"quantity": "1"}
    )
    assert response.status_code == 403
    level.refresh_from_db()
    assert level.quantity == 10


def test_product_export(admin_client, stock):
    response = admin_client.post(
        reverse("admin:dealers_product_export"), {"format": "0", "resource": "0"}
    )
    assert response.status_code == 200


def test_product_import_by_sku_and_line_code():
    import tablib

    from dealers.models import Product
    from inventory.admin import ProductResource
    from tests.factories import ProductLineFactory

    ProductLineFactory(code="PL-PRO")
    ProductFactory(sku="OLD-1", name="Old name")
    data = tablib.Dataset(headers=["sku", "name", "product_line", "list_price"])
    data.append(["OLD-1", "New name", "PL-PRO", "10.00"])
    data.append(["NEW-2", "Brand new", "PL-PRO", "20.00"])
    result = ProductResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert dict(Product.objects.values_list("sku", "name")) == {
        "OLD-1": "New name",
        "NEW-2": "Brand new",
    }
    assert Product.objects.get(sku="NEW-2").product_line.code == "PL-PRO"
