"""A dealer naming another dealer in a request body learns nothing about it (DOMAIN.md §1:
"do not reveal that it exists"): an existing other dealer's code gets exactly the answer a
code that exists nowhere gets, on every endpoint where a dealer may name a dealer."""

import pytest

from tests.factories import DealerFactory

pytestmark = pytest.mark.django_db

MISSING = "NO-SUCH-DEALER"

#: endpoint → a body naming ``dealer`` (the rest may be invalid: only the answers compare)
BODIES = {
    "/api/v1/deal-registrations/": lambda code: {"dealer": code, "customer_name": "X"},
    "/api/v1/promotions/": lambda code: {"dealer": code, "discount": "0.05"},
    "/api/v1/sales/": lambda code: {"lines": [{"dealer": code, "external_id": "L-1"}]},
}


def _answer(client, path, code):
    response = client.post(path, BODIES[path](code), format="json")
    return response.status_code, response.content.decode().replace(code, "<code>")


@pytest.mark.parametrize("path", sorted(BODIES))
def test_another_dealer_s_code_answers_as_a_missing_one(path, dealer_client):
    other = DealerFactory()
    assert _answer(dealer_client, path, other.code) == _answer(dealer_client, path, MISSING)


@pytest.mark.parametrize("path", sorted(BODIES))
def test_the_dealer_s_own_code_is_accepted_where_a_missing_one_is_not(path, dealer, dealer_client):
    _status, own = _answer(dealer_client, path, dealer.code)
    _status, missing = _answer(dealer_client, path, MISSING)
    assert '"dealer"' not in own and "lines.0.dealer" not in own, own
    assert '"dealer"' in missing or "lines.0.dealer" in missing, missing
