"""Query parameters of list endpoints (DOMAIN.md §10): an unknown one is a 400 that names
it, on every list endpoint of the schema; filters are named alike (``dealer=<code>``)."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from reviews.models import QuarterlyReview
from tests.conflicts.factories import make_ticket
from tests.factories import DealerFactory, StaffUserFactory
from webhooks.services import endpoints

pytestmark = pytest.mark.django_db


def _is_list(operation, components) -> bool:
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema.get("type") == "array" or "results" in schema.get("properties", {})


def list_endpoints() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if "get" in operations and _is_list(operations["get"], components)
    )


def test_the_schema_has_the_list_endpoints_of_domain_section_10():
    paths = list_endpoints()
    assert len(paths) >= 20
    for path in ("/api/v1/dealers/", "/api/v1/inventory/regions/", "/api/v1/reviews/"):
        assert path in paths


@pytest.mark.parametrize("path", list_endpoints())
def test_unknown_query_parameter_is_a_400_naming_it(manufacturer_client, dealer, path):
    ticket = make_ticket(dealer)
    object_id = ticket.pk
    if path.startswith("/api/v1/webhook-endpoints/{id}"):
        object_id, _secret = endpoints.endpoint_create(
            actor=StaffUserFactory(is_superuser=True),
            dealer=dealer,
            url="https://127.0.0.1:9/hook",
            topics=["statement.approved"],
        )
        object_id = object_id.pk
    url = path.replace("{id}", str(object_id)).replace("{code}", dealer.region.code)
    assert manufacturer_client.get(url).status_code == 200
    response = manufacturer_client.get(url, {"dealer_code": dealer.code})
    assert response.status_code == 400, (url, response.content)
    body = response.json()
    assert body["type"] == "validation_error"
    assert body["errors"] == [
        {
            "code": "unknown_parameter",
            "detail": "Unknown query parameter “dealer_code”.",
            "attr": "dealer_code",
        }
    ]


def test_known_parameters_are_not_refused(manufacturer_client, dealer):
    response = manufacturer_client.get(
        "/api/v1/dealers/", {"status": "active", "ordering": "code", "page_size": 5}
    )
    assert response.status_code == 200, response.content
    response = manufacturer_client.get("/api/v1/dealers/", {"format": "json"})
    assert response.status_code == 200


def test_reviews_filter_by_dealer_like_every_list(manufacturer_client):
    mine, other = DealerFactory(code="REV1"), DealerFactory(code="REV2")
    QuarterlyReview.objects.create(dealer=mine, quarter="2026Q3")
    QuarterlyReview.objects.create(dealer=other, quarter="2026Q3")
    response = manufacturer_client.get("/api/v1/reviews/", {"dealer": "REV1"})
    assert response.status_code == 200, response.content
    assert [row["dealer"] for row in response.json()["results"]] == ["REV1"]
    # the old, inconsistent name is no longer understood (DOMAIN.md §10 names it `dealer`)
    assert manufacturer_client.get("/api/v1/reviews/", {"dealer__code": "REV1"}).status_code == 400
