from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from portal.models import ApiKey
from portal.services import api_key_revoke
from tests.factories import ApiKeyFactory, DealerFactory

pytestmark = pytest.mark.django_db


def client_with(api_client, secret):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return api_client


def test_issue_api_key_command_prints_a_working_dealer_key(api_client):
    dealer = DealerFactory(code="GZ001")
    out, err = StringIO(), StringIO()
    call_command("issue_api_key", "--dealer", "GZ001", "--name", "ERP", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    api_key = ApiKey.objects.get()
    assert api_key.dealer == dealer and not api_key.is_manufacturer
    assert secret.startswith(api_key.prefix + ".")
    assert secret not in err.getvalue()  # shown once, on stdout only
    response = client_with(api_client, secret).get("/api/v1/dealers/")
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["GZ001"]


def test_issue_api_key_command_manufacturer(api_client):
    DealerFactory(code="A1")
    DealerFactory(code="B1")
    out = StringIO()
    call_command("issue_api_key", "--manufacturer", "--name", "WMS", stdout=out, stderr=StringIO())
    response = client_with(api_client, out.getvalue().strip()).get("/api/v1/dealers/")
    assert {row["code"] for row in response.json()["results"]} == {"A1", "B1"}


def test_issue_api_key_unknown_dealer_is_an_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No dealer"):
        call_command("issue_api_key", "--dealer", "NOPE", "--name", "x", stdout=StringIO())
    assert ApiKey.objects.count() == 0


def test_revoked_key_gets_401(api_client):
    api_key, secret = ApiKeyFactory.issue(manufacturer=True)
    client = client_with(api_client, secret)
    assert client.get("/api/v1/dealers/").status_code == 200
    api_key_revoke(api_key=api_key)
    response = client.get("/api/v1/dealers/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Api-Key"


def test_wrong_key_gets_401(api_client):
    ApiKeyFactory.issue(manufacturer=True)
    assert client_with(api_client, "abc.def").get("/api/v1/dealers/").status_code == 401


def test_last_used_is_recorded(api_client):
    api_key, secret = ApiKeyFactory.issue(manufacturer=True)
    client_with(api_client, secret).get("/api/v1/dealers/")
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_rate_limit_answers_429_with_retry_after(api_client):
    _key, secret = ApiKeyFactory.issue(manufacturer=True, rate="3/min")
    client = client_with(api_client, secret)
    statuses = [client.get("/api/v1/regions/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/regions/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["errors"][0]["code"] == "throttled"


def test_rate_limit_is_per_key(api_client):
    _a, secret_a = ApiKeyFactory.issue(manufacturer=True, rate="1/min", name="a")
    _b, secret_b = ApiKeyFactory.issue(manufacturer=True, rate="1/min", name="b")
    assert client_with(api_client, secret_a).get("/api/v1/regions/").status_code == 200
    assert client_with(api_client, secret_a).get("/api/v1/regions/").status_code == 429
    assert client_with(api_client, secret_b).get("/api/v1/regions/").status_code == 200


def test_page_size_is_capped_at_1000(manufacturer_client):
    response = manufacturer_client.get("/api/v1/regions/?page_size=5000")
    assert response.status_code == 200
    from portal.api.pagination import CursorPagination

    assert CursorPagination.max_page_size == 1000


def test_cursor_pagination_walks_every_row(manufacturer_client):
    for n in range(7):
        DealerFactory(code=f"P{n}")
    seen, url = [], "/api/v1/dealers/?page_size=3"
    while url:
        body = manufacturer_client.get(url).json()
        seen += [row["code"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == [f"P{n}" for n in range(7)]


def test_schema_validates_as_openapi3():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert out.getvalue().startswith("openapi: 3")


def test_swagger_ui_uses_only_local_assets(client, staff_user):
    client.force_login(staff_user)
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html


@override_settings(DEBUG=False)
def test_errors_have_one_shape(staff_client):
    response = staff_client.post(
        "/api/v1/regions/", {"code": "bad code", "kind": "x"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    attrs = {e["attr"]: e["code"] for e in body["errors"]}
    assert attrs["code"] == "invalid_code"
    assert attrs["kind"] == "invalid_choice"
    assert "name" in attrs
