"""Shared fixtures. Tests run against the real PostgreSQL and Redis (see Makefile)."""

import socket

import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from tests.factories import (
    ApiKeyFactory,
    DealerFactory,
    DealerUserFactory,
    StaffUserFactory,
)


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Throttle counters and idempotency records must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Chinese through the test client leaves that language active in the
    thread; every test starts and ends in the default language."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch, request):
    """Tests may talk to this machine only (the database, Redis, a live server)."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def dealer(db):
    return DealerFactory()


@pytest.fixture
def other_dealer(db):
    return DealerFactory()


@pytest.fixture
def staff_user(db):
    return StaffUserFactory(is_superuser=True)


@pytest.fixture
def dealer_user(dealer):
    return DealerUserFactory(membership__dealer=dealer, membership__role="owner")


def _key_client(api_key_and_secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key_and_secret[1]}")
    client.api_key = api_key_and_secret[0]
    return client


@pytest.fixture
def manufacturer_client(db):
    return _key_client(ApiKeyFactory.issue(manufacturer=True))


@pytest.fixture
def dealer_client(dealer):
    return _key_client(ApiKeyFactory.issue(dealer=dealer))


@pytest.fixture
def other_dealer_client(other_dealer):
    return _key_client(ApiKeyFactory.issue(dealer=other_dealer))


@pytest.fixture
def staff_client(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    return client
