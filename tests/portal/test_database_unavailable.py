"""PostgreSQL lost during an API write: a clean 503 in the API's error shape, and nothing
half-applied (the request's transaction dies with the connection)."""

import psycopg2
import pytest
from django.db import connection

from inventory.models import StockLevel, StockMovement
from tests.inventory.factories import ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db(transaction=True)

SYNC = "/api/v1/inventory/sync/"


def items(n):
    return [
        {"warehouse": "WH-A", "sku": f"P-{i}", "quantity": 10 + i, "as_of": "2026-11-20T08:00:00+08:00"}
        for i in range(n)
    ]


@pytest.fixture
def client_seeing_errors(dealer_client):
    """The error is still signalled (got_request_exception, for monitoring); the test
    client would re-raise it instead of returning the response."""
    dealer_client.raise_request_exception = False
    return dealer_client


@pytest.fixture
def stock(dealer):
    WarehouseFactory(code="WH-A", dealer=dealer)
    for i in range(5):
        ProductFactory(sku=f"P-{i}")


def _terminate(pid):
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    killer = psycopg2.connect(**params)
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    killer.close()


def assert_503(response):
    assert response.status_code == 503, response.content
    body = response.json()
    assert body["errors"][0]["code"] == "database_unavailable"
    assert response["Retry-After"] == "30"


def test_connection_killed_in_the_middle_of_a_write_is_a_503_with_nothing_applied(
    client_seeing_errors, stock
):
    dealer_client = client_seeing_errors
    connection.ensure_connection()
    pid = connection.connection.get_backend_pid()
    writes = []

    def kill_after_the_first_write(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            writes.append(sql)
            if len(writes) == 2:  # one write done inside the transaction, then the server dies
                _terminate(pid)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(kill_after_the_first_write):
        response = dealer_client.post(SYNC, {"items": items(5)}, format="json")
    assert len(writes) >= 2
    assert_503(response)
    connection.close()
    assert StockLevel.objects.count() == 0
    assert StockMovement.objects.count() == 0
    # the next request finds a new connection and succeeds
    response = dealer_client.post(SYNC, {"items": items(5)}, format="json")
    assert response.status_code == 200, response.content
    assert StockLevel.objects.count() == 5


def test_database_unreachable_is_a_503_not_a_500(client_seeing_errors, stock, client, dealer_user):
    dealer_client = client_seeing_errors
    client.force_login(dealer_user)
    client.raise_request_exception = False
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = dealer_client.post(SYNC, {"items": items(1)}, format="json")
        assert_503(response)
        page = client.get("/")  # outside the API (the session itself needs the database)
        assert page.status_code == 503
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port
    assert StockLevel.objects.count() == 0
