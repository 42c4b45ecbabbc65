"""Exports neutralise formulae; seed_demo refuses to run in production (issue 11, item 7)."""

import csv
import io

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from openpyxl import load_workbook

from dealers.models import Product
from portal.exports import EXPORT_FORMATS, csv_safe, safe_csv_writer
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

FORMULAE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("x")']


@pytest.mark.parametrize("value", FORMULAE)
def test_a_cell_that_would_start_a_formula_is_neutralised(value):
    assert csv_safe(value) == "'" + value
    out = io.StringIO()
    safe_csv_writer(out).writerow([value, "plain", None, 3])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'" + value, "plain", "", "3"]


def test_admin_product_export_neutralises_formulae_in_every_format(settings):
    assert settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is True
    from tests.commissions.factories import product

    item = product("SKU-F")
    Product.objects.filter(pk=item.pk).update(name='=HYPERLINK("http://evil")', unit="@x")
    request = RequestFactory().get("/admin/dealers/product/export/")
    request.user = StaffUserFactory(is_superuser=True)
    admin = site._registry[Product]
    assert [f for f in admin.get_export_formats()] == EXPORT_FORMATS
    resource = admin.get_export_resource_classes(request)[0]()
    for format_class in EXPORT_FORMATS:
        data = format_class().export_data(resource.export(queryset=Product.objects.all()))
        if format_class.__name__ == "XLSX":
            sheet = load_workbook(io.BytesIO(data)).active
            cells = [cell.value for row in sheet.iter_rows() for cell in row]
        else:
            cells = [
                c
                for row in csv.reader(
                    io.StringIO(data),
                    dialect=csv.excel_tab if format_class.__name__ == "TSV" else csv.excel,
                )
                for c in row
            ]
        assert '\'=HYPERLINK("http://evil")' in cells, format_class
        assert "'@x" in cells
        assert not any(isinstance(c, str) and c.startswith(("=", "@")) for c in cells)


@pytest.mark.parametrize(
    ("production", "debug", "testing"),
    [(True, False, False), (False, False, False), (True, True, True)],
)
def test_seed_demo_refuses_to_run_in_production(settings, production, debug, testing):
    settings.PRODUCTION, settings.DEBUG, settings.TESTING = production, debug, testing
    with pytest.raises(CommandError, match="refuses to run in production"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Product.objects.exists()
