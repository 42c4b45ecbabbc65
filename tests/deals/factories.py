"""Factories of the deal-registration tests."""

import datetime as dt
from decimal import Decimal

from rest_framework.test import APIClient

from deals import services
from tests.factories import ApiKeyFactory, ProductLineFactory, StaffUserFactory, region_tree

FUTURE = dt.date(2030, 1, 31)


def line(code="PL-HOME"):
    return ProductLineFactory(code=code)


def register(
    dealer, name="深圳市星河科技有限公司", *, region="CN-GD-SZ", lines=None, now=None, **kwargs
):
    """Submit a registration for ``dealer`` as its own user would (staff actor: any dealer)."""
    actor = kwargs.pop("actor", None) or StaffUserFactory(is_superuser=True)
    return services.deal_registration_submit(
        actor=actor,
        dealer=dealer,
        customer_name=name,
        customer_region=region_tree()[region],
        product_lines=lines or [line()],
        estimated_amount=kwargs.pop("estimated_amount", Decimal("100000.00")),
        expected_close_on=kwargs.pop("expected_close_on", FUTURE),
        now=now,
        **kwargs,
    )


def key_client(dealer=None) -> APIClient:
    """An API client with a new key: bound to ``dealer``, else the manufacturer's."""
    client = APIClient()
    key = ApiKeyFactory.issue(dealer=dealer) if dealer else ApiKeyFactory.issue(manufacturer=True)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key[1]}")
    return client
