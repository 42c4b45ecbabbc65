"""``GET /api/v1/events/?after=<id>`` (DOMAIN.md §15): scoped, in order, and without gaps
under concurrent writers — also when two transactions commit out of id order."""

import threading

import pytest
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from portal import events
from portal.models import Event
from tests.factories import ApiKeyFactory, DealerFactory


def record(topic="ticket.opened", dealer=None, **payload):
    with transaction.atomic():
        return events.record(topic, payload or {"n": 1}, dealer=dealer)


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_a_dealer_key_sees_only_its_dealer_s_events(
    dealer, other_dealer, dealer_client, manufacturer_client
):
    mine = record(dealer=dealer)
    theirs = record(dealer=other_dealer)
    manufacturer_wide = record("stock.alert_opened", None)
    assert ids(dealer_client.get("/api/v1/events/")) == [mine.pk]
    assert ids(manufacturer_client.get("/api/v1/events/")) == [
        mine.pk,
        theirs.pk,
        manufacturer_wide.pk,
    ]
    row = dealer_client.get("/api/v1/events/").json()["results"][0]
    assert row == {
        "id": mine.pk,
        "topic": "ticket.opened",
        "dealer": dealer.code,
        "occurred_at": row["occurred_at"],
        "payload": {"n": 1},
    }
    # another dealer's id as a cursor: the same answer as an unknown one
    for after in (theirs.pk, 999999):
        response = dealer_client.get(f"/api/v1/events/?after={after}")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "unknown_event"


@pytest.mark.django_db
def test_anonymous_callers_get_401(api_client):
    assert api_client.get("/api/v1/events/").status_code == 401


@pytest.mark.django_db
def test_the_stream_pages_with_after_and_next(dealer, dealer_client):
    recorded = [record(dealer=dealer, n=i).pk for i in range(5)]
    first = dealer_client.get("/api/v1/events/?page_size=2")
    assert ids(first) == recorded[:2]
    second = dealer_client.get(first.json()["next"])
    assert ids(second) == recorded[2:4]
    assert ids(dealer_client.get(f"/api/v1/events/?after={recorded[3]}")) == recorded[4:]
    empty = dealer_client.get(f"/api/v1/events/?after={recorded[4]}")
    assert ids(empty) == [] and f"after={recorded[4]}" in empty.json()["next"]
    assert ids(dealer_client.get("/api/v1/events/?topic=stock.alert_opened")) == []


@pytest.mark.django_db
def test_an_unknown_query_parameter_is_a_400(dealer_client):
    response = dealer_client.get("/api/v1/events/?dealer_code=X")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "dealer_code"


@pytest.mark.django_db
def test_the_list_takes_a_constant_number_of_queries(
    dealer, manufacturer_client, django_assert_max_num_queries
):
    for _ in range(3):
        record(dealer=DealerFactory())
    with django_assert_max_num_queries(4):
        assert len(ids(manufacturer_client.get("/api/v1/events/"))) == 3
    for _ in range(30):
        record(dealer=DealerFactory())
    with django_assert_max_num_queries(4):
        assert len(ids(manufacturer_client.get("/api/v1/events/"))) == 33


# --- concurrent writers (real transactions on two connections) ------------------------------


class Writer(threading.Thread):
    """Runs ``steps`` in one transaction on its own connection; each step waits for its
    go signal, and the thread reports when each step is done."""

    def __init__(self, steps):
        super().__init__(daemon=True)
        self.steps = steps
        self.go = [threading.Event() for _ in steps]
        self.done = [threading.Event() for _ in steps]
        self.results = []
        self.error = None

    def run(self):
        try:
            with transaction.atomic():
                for step, go, done in zip(self.steps, self.go, self.done, strict=True):
                    assert go.wait(20)
                    self.results.append(step())
                    done.set()
        except Exception as exc:  # surfaced by step()
            self.error = exc
        finally:
            connections.close_all()

    def step(self, index):
        self.go[index].set()
        assert self.done[index].wait(20), self.error


def take_txid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()")
    return None


@pytest.mark.django_db(transaction=True)
def test_no_gap_when_transactions_commit_out_of_id_order():
    dealer = DealerFactory()
    _key, secret = ApiKeyFactory.issue(manufacturer=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    def stream(after=None, expect=None):
        """The stream now; with ``expect``, until it shows that. Transactions of other
        databases on the same server (other test runs) also hold events back while they
        run, so what must become visible is polled for, briefly."""
        for _attempt in range(400):
            got = ids(client.get("/api/v1/events/" + (f"?after={after}" if after else "")))
            if expect is None or got == expect:
                return got
            threading.Event().wait(0.05)
        return got

    # 1. A records the lower id, B the higher one and commits first: B's event is held
    #    back while A runs (a poller would otherwise move past A's id)
    a = Writer([lambda: record(dealer=dealer), lambda: None])
    b = Writer([lambda: record(dealer=dealer)])
    a.start(), b.start()
    a.step(0)
    b.step(0)
    b.join(20)
    event_a, event_b = a.results[0], b.results[0]
    assert event_a.pk < event_b.pk
    assert stream() == []
    a.step(1)
    a.join(20)
    assert stream(expect=[event_a.pk, event_b.pk]) == [event_a.pk, event_b.pk]
    cursor = event_b.pk

    # 2. C writes first (its transaction id is older), D then records an event (a lower
    #    id), C records one (a higher id) and commits while D still runs. C's event is
    #    served first; D's, committed later with a lower id, still comes after it.
    c = Writer([take_txid, lambda: record(dealer=dealer)])
    d = Writer([lambda: record(dealer=dealer), lambda: None])
    c.start(), d.start()
    c.step(0)
    d.step(0)
    c.step(1)
    c.join(20)
    event_c, event_d = c.results[1], d.results[0]
    assert event_d.pk < event_c.pk
    assert stream(cursor, expect=[event_c.pk]) == [event_c.pk]
    d.step(1)
    d.join(20)
    # ordering by id alone would skip it
    assert stream(event_c.pk, expect=[event_d.pk]) == [event_d.pk]
    assert stream(cursor) == [event_c.pk, event_d.pk]
    assert not (a.error or b.error or c.error or d.error)
    assert Event.objects.count() == 4
