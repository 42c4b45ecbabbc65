"""Two dealers register the same customer at the same moment, on two real connections:
exactly one of the two registrations ends in ``conflict`` (DOMAIN.md §12)."""

import threading

import pytest
from django.db import connection

from deals.models import DealRegistration
from deals.services import registrations
from tests.deals.factories import line, register
from tests.factories import DealerFactory, StaffUserFactory, region_tree

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("names", [("深圳市星河科技有限公司", "深圳市星河科技")])
def test_simultaneous_registrations_of_one_customer_give_exactly_one_conflict(monkeypatch, names):
    if connection.vendor != "postgresql":
        pytest.skip("two real connections need PostgreSQL")
    region_tree()
    home = line()
    dealers = [DealerFactory(code="RACE-A"), DealerFactory(code="RACE-B")]
    staff = StaffUserFactory(is_superuser=True)
    # Both transactions are open (each has read nothing yet) before either takes the lock.
    barrier = threading.Barrier(2, timeout=30)
    real_lock = registrations.customer_lock

    def lock_together(registration):
        barrier.wait()
        real_lock(registration)

    monkeypatch.setattr(registrations, "customer_lock", lock_together)
    errors, done = [], []

    def submit(dealer, name):
        try:
            done.append(register(dealer, name, lines=[home], actor=staff))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(dealer, name))
        for dealer, name in zip(dealers, names, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    statuses = sorted(DealRegistration.objects.values_list("status", flat=True))
    assert statuses == ["conflict", "submitted"]
    conflict = DealRegistration.objects.get(status="conflict")
    first = DealRegistration.objects.get(status="submitted")
    assert conflict.matches.get().other == first
    assert conflict.submitted_at >= first.submitted_at or conflict.pk > first.pk
