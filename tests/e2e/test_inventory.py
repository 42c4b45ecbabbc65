"""Browser: a dealer uploads a stock file with a bad row, fixes it and confirms; the staff
regional view shows the new totals."""

import pytest

from inventory.models import StockLevel
from tests.e2e.conftest import login
from tests.factories import PASSWORD, DealerUserFactory, StaffUserFactory, region_tree
from tests.inventory.factories import ProductFactory, WarehouseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def csv_payload(text):
    return {"name": "stock.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_dealer_upload_with_a_fix_then_regional_totals(page):
    tree = region_tree()
    user = DealerUserFactory(username="stockkeeper")
    dealer = user.dealer
    WarehouseFactory(code="GZ-MAIN", dealer=dealer, region=tree["CN-GD-GZ"])
    ProductFactory(sku="HOME-100")
    ProductFactory(sku="HOME-200")
    staff = StaffUserFactory(username="manager", groups=["channel_manager"])

    login(page, user.username, PASSWORD)
    page.click("#nav-stock")
    page.click("#upload-link")
    page.set_input_files(
        "#id_file",
        csv_payload("warehouse,sku,quantity\nGZ-MAIN,HOME-100,120\nGZ-MAIN,HOME-999,5\n"),
    )
    page.click("#upload-submit")
    page.wait_for_selector("#upload-errors")
    error = page.locator("tr.upload-error")
    assert error.count() == 1
    assert error.get_attribute("data-row") == "3"
    assert "No product has this SKU." in error.inner_text()
    assert page.locator("#upload-confirm").count() == 0
    assert not StockLevel.objects.exists()

    page.click("#upload-again")
    page.set_input_files(
        "#id_file",
        csv_payload("warehouse,sku,quantity\nGZ-MAIN,HOME-100,120\nGZ-MAIN,HOME-200,5\n"),
    )
    page.click("#upload-submit")
    page.wait_for_selector("#preview-table")
    assert "2 levels will change." in page.locator("#upload-summary").inner_text()
    page.click("#upload-confirm")
    page.wait_for_selector("#stock-table")
    assert "Upload applied: 2 changed" in page.locator(".alert-success").inner_text()
    assert page.locator('td[data-sku="HOME-100"]').inner_text() == "120"

    page.click("text=Log out")
    login(page, staff.username, PASSWORD)
    page.click("#nav-stock-regions")
    page.wait_for_selector("#region-matrix")
    guangdong = page.locator('tr[data-region="CN-GD"] .cell-quantity').first
    assert guangdong.inner_text() == "125"
    page.click('tr[data-region="CN-GD"] th a')
    page.wait_for_selector("#region-products")
    assert "HOME-100" in page.locator("#region-products").inner_text()
