"""The generic API test mixin: every endpoint gets the same battery from a few lines.

Subclass :class:`APIResourceTests` in a test module and declare::

    class TestRegionsAPI(APIResourceTests):
        url = "/api/v1/regions/"
        lookup_field = "code"          # attribute used in detail URLs
        dealer_scoped = True           # rows belong to dealers: other dealers' rows are 404
        list_max_queries = 8

        def make(self, dealer):        # one row owned by ``dealer``
            ...
        def create_payload(self, dealer):   # None when the endpoint does not create
            ...
        def update_payload(self, obj):      # None when the endpoint does not update
            ...
        delete_allowed = False

The battery: anonymous 401; list and retrieve for the manufacturer; a dealer sees its own
rows only and gets 404 (not 403) on another dealer's; create, update and delete for a
manufacturer key; and a query count for a list of several rows that does not grow with rows.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import DealerFactory


class APIResourceTests:
    url: str = ""
    lookup_field: str = "pk"
    dealer_scoped: bool = True
    dealer_can_read: bool = True
    delete_allowed: bool = False
    list_max_queries: int = 10
    #: JSON key that holds the lookup value in responses
    response_lookup_key: str | None = None

    # -- to be provided -------------------------------------------------------------------
    def make(self, dealer):
        raise NotImplementedError

    def create_payload(self, dealer):
        return None

    def update_payload(self, obj):
        return None

    # -- helpers --------------------------------------------------------------------------
    def detail_url(self, obj):
        return f"{self.url}{getattr(obj, self.lookup_field)}/"

    def key_of(self, obj):
        return str(getattr(obj, self.lookup_field))

    def results(self, response):
        assert response.status_code == 200, response.content
        data = response.json()
        return data["results"] if isinstance(data, dict) and "results" in data else data

    def response_keys(self, rows):
        key = self.response_lookup_key or self.lookup_field
        return {str(row[key]) for row in rows}

    # -- the battery ----------------------------------------------------------------------
    def test_anonymous_gets_401(self, api_client, dealer):
        obj = self.make(dealer)
        assert api_client.get(self.url).status_code == 401
        assert api_client.get(self.detail_url(obj)).status_code == 401

    def test_wrong_key_gets_401(self, api_client, dealer):
        api_client.credentials(HTTP_AUTHORIZATION="Api-Key nope.nope")
        response = api_client.get(self.url)
        assert response.status_code == 401
        assert response.json()["type"] == "client_error"

    def test_manufacturer_lists_and_retrieves(self, manufacturer_client, dealer, other_dealer):
        mine, theirs = self.make(dealer), self.make(other_dealer)
        keys = self.response_keys(self.results(manufacturer_client.get(self.url)))
        assert {self.key_of(mine), self.key_of(theirs)} <= keys
        response = manufacturer_client.get(self.detail_url(theirs))
        assert response.status_code == 200, response.content

    def test_dealer_sees_only_its_own(self, dealer_client, dealer, other_dealer):
        if not self.dealer_can_read:
            pytest.skip("dealers do not read this resource")
        mine, theirs = self.make(dealer), self.make(other_dealer)
        keys = self.response_keys(self.results(dealer_client.get(self.url)))
        assert self.key_of(mine) in keys
        if self.dealer_scoped:
            assert self.key_of(theirs) not in keys
        assert dealer_client.get(self.detail_url(mine)).status_code == 200

    def test_other_dealers_object_is_404(self, dealer_client, dealer, other_dealer):
        if not self.dealer_scoped:
            pytest.skip("shared reference data")
        theirs = self.make(other_dealer)
        response = dealer_client.get(self.detail_url(theirs))
        assert response.status_code == 404
        if self.update_payload(theirs) is not None:
            response = dealer_client.patch(self.detail_url(theirs), {}, format="json")
            assert response.status_code == 404

    def test_list_query_count_is_constant(self, manufacturer_client, django_assert_max_num_queries):
        dealers = [DealerFactory() for _ in range(2)]
        for d in dealers:
            self.make(d)
        manufacturer_client.get(self.url)  # warm caches (content types, key lookup)
        with CaptureQueriesContext(connection) as few:
            few_rows = self.results(manufacturer_client.get(self.url))
        more = [DealerFactory() for _ in range(4)]
        for d in more:
            for _ in range(2):
                self.make(d)
        with django_assert_max_num_queries(max(self.list_max_queries, len(few.captured_queries))):
            rows = self.results(manufacturer_client.get(self.url))
        assert len(rows) >= len(few_rows) + 4  # more rows, no more queries
        assert len(few.captured_queries) <= self.list_max_queries

    def test_create(self, manufacturer_client, dealer):
        payload = self.create_payload(dealer)
        if payload is None:
            pytest.skip("endpoint does not create")
        response = manufacturer_client.post(self.url, payload, format="json")
        assert response.status_code == 201, response.content

    def test_create_with_bad_input_changes_nothing(self, manufacturer_client, dealer):
        payload = self.create_payload(dealer)
        if payload is None:
            pytest.skip("endpoint does not create")
        model = self.make(dealer).__class__
        before = model.objects.count()
        response = manufacturer_client.post(self.url, {"unexpected": "x"}, format="json")
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["type"] == "validation_error"
        assert all({"code", "detail", "attr"} <= set(e) for e in body["errors"])
        assert model.objects.count() == before

    def test_update(self, manufacturer_client, dealer):
        obj = self.make(dealer)
        payload = self.update_payload(obj)
        if payload is None:
            pytest.skip("endpoint does not update")
        response = manufacturer_client.patch(self.detail_url(obj), payload, format="json")
        assert response.status_code == 200, response.content
        obj.refresh_from_db()
        for field, value in payload.items():
            current = getattr(obj, field)
            current = getattr(current, "code", current)
            assert str(current) == str(value)

    def test_delete(self, manufacturer_client, dealer):
        obj = self.make(dealer)
        response = manufacturer_client.delete(self.detail_url(obj))
        if self.delete_allowed:
            assert response.status_code == 204
            assert not obj.__class__.objects.filter(pk=obj.pk).exists()
        else:
            assert response.status_code == 405
            assert obj.__class__.objects.filter(pk=obj.pk).exists()
