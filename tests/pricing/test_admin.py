"""The admin: guides import through the service (never back in time, never edited) and the
pages open."""

import datetime as dt

import pytest
import tablib
from django.utils import timezone

from pricing.admin import PriceGuideResource
from pricing.models import PriceGuide
from tests.factories import region_tree
from tests.pricing.factories import campaign, guide, product, sh

pytestmark = pytest.mark.django_db


def _dataset(*rows):
    return tablib.Dataset(
        *rows, headers=["sku", "region", "effective_from", "list_price", "floor_price"]
    )


def test_import_creates_guides_through_the_service_and_refuses_the_past(staff_user):
    region_tree()
    product("P-1")
    later = (timezone.now() + dt.timedelta(days=5)).replace(microsecond=0)
    data = _dataset(
        ["P-1", "CN-GD", later.isoformat(), "950.00", "850.00"],
        ["P-1", "", "2026-01-01T00:00:00+08:00", "950.00", "850.00"],
    )
    result = PriceGuideResource().import_data(data, dry_run=False, user=staff_user)
    assert [r.import_type for r in result.rows] == ["new", "invalid"]
    assert PriceGuide.objects.get().region.code == "CN-GD"
    again = PriceGuideResource().import_data(
        _dataset(["P-1", "CN-GD", later.isoformat(), "900.00", "850.00"]),
        dry_run=False,
        user=staff_user,
    )
    assert [r.import_type for r in again.rows] == ["invalid"]  # never edited
    assert PriceGuide.objects.get().list_price == 950


def test_export_has_the_guides(staff_user):
    guide(product("P-1"), "1000.00", "900.00", sh(2026, 11, 1))
    exported = PriceGuideResource().export()
    assert exported.dict[0]["sku"] == "P-1" and exported.dict[0]["list_price"] == "1000.00"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/pricing/priceguide/",
        "/admin/pricing/priceguide/add/",
        "/admin/pricing/campaign/",
        "/admin/pricing/promotion/",
        "/admin/pricing/pricingticket/",
        "/admin/pricing/pricebreach/",
        "/admin/pricing/priceguide/import/",
    ],
)
def test_admin_pages_open(client, staff_user, url):
    region_tree()
    guide(product("P-1"), "1000.00", "900.00", sh(2026, 11, 1))
    campaign()
    client.force_login(staff_user)
    assert client.get(url).status_code == 200
