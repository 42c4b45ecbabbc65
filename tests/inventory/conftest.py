"""Every inventory test leaves a ledger that adds up (DOMAIN.md §5.1): after each test that
used the database, ``stock_ledger_breaks()`` must be empty — except in the test that
corrupts a row on purpose."""

import pytest


@pytest.fixture(autouse=True)
def _ledger_adds_up_after_each_test(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or "corrupt" in request.node.name:
        yield
        return
    # Set the database up first, so that this check runs before it is rolled back/flushed.
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    yield
    from inventory.selectors import stock_ledger_breaks

    assert stock_ledger_breaks() == []
