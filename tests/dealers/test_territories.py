"""Territory exclusivity (DOMAIN.md §2), including two concurrent conflicting grants."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from dealers import selectors, services
from dealers.models import Territory
from dealers.services import territories
from tests.factories import DealerFactory, ProductLineFactory, region_tree

D = datetime.date


@pytest.fixture
def tree(db):
    return region_tree()


@pytest.fixture
def line(db):
    return ProductLineFactory(code="PL-HOME")


def grant(dealer, region, line, starts_on=D(2026, 1, 1), ends_on=None, exclusive=False):
    return services.territory_grant(
        dealer=dealer,
        region=region,
        product_line=line,
        starts_on=starts_on,
        ends_on=ends_on,
        exclusive=exclusive,
    )


@pytest.mark.django_db
class TestConflictRule:
    def test_exclusive_province_blocks_a_city_grant_of_another_dealer(self, tree, line):
        a, b = DealerFactory(code="A"), DealerFactory(code="B")
        existing = grant(a, tree["CN-GD"], line, exclusive=True)
        with pytest.raises(ValidationError) as exc:
            grant(b, tree["CN-GD-SZ"], line)
        assert exc.value.code == "territory_conflict"
        assert exc.value.params == {"territory": existing.pk}
        message = exc.value.messages[0]
        assert f"territory #{existing.pk}" in message
        assert "A · CN-GD · PL-HOME" in message
        assert "exclusive" in message
        assert Territory.objects.count() == 1

    def test_an_exclusive_city_grant_collides_with_a_non_exclusive_ancestor(self, tree, line):
        grant(DealerFactory(), tree["CN"], line)  # non-exclusive, whole country
        with pytest.raises(ValidationError):
            grant(DealerFactory(), tree["CN-GD-GZ"], line, exclusive=True)

    def test_two_non_exclusive_grants_coexist(self, tree, line):
        grant(DealerFactory(), tree["CN-GD"], line)
        grant(DealerFactory(), tree["CN-GD"], line)
        assert Territory.objects.count() == 2

    def test_sibling_regions_do_not_conflict(self, tree, line):
        grant(DealerFactory(), tree["CN-GD-SZ"], line, exclusive=True)
        grant(DealerFactory(), tree["CN-GD-GZ"], line, exclusive=True)
        grant(DealerFactory(), tree["CN-BJ"], line, exclusive=True)
        assert Territory.objects.count() == 3

    def test_other_product_lines_do_not_conflict(self, tree, line):
        grant(DealerFactory(), tree["CN-GD"], line, exclusive=True)
        grant(DealerFactory(), tree["CN-GD"], ProductLineFactory(code="PL-PRO"), exclusive=True)

    def test_dates_that_do_not_meet_do_not_conflict_and_touching_dates_do(self, tree, line):
        grant(DealerFactory(), tree["CN-GD"], line, D(2026, 1, 1), D(2026, 6, 30), exclusive=True)
        grant(DealerFactory(), tree["CN-GD"], line, D(2026, 7, 1), exclusive=True)
        with pytest.raises(ValidationError):  # 30 June is in both
            grant(DealerFactory(), tree["CN-GD-SZ"], line, D(2025, 1, 1), D(2026, 6, 30))

    def test_an_open_ended_grant_conflicts_with_any_later_one(self, tree, line):
        grant(DealerFactory(), tree["CN-GD-SZ"], line, D(2020, 1, 1), exclusive=True)
        with pytest.raises(ValidationError):
            grant(DealerFactory(), tree["CN"], line, D(2030, 1, 1), D(2030, 12, 31))

    def test_update_is_checked_against_the_others_but_not_itself(self, tree, line):
        mine = grant(DealerFactory(), tree["CN-GD-SZ"], line, exclusive=True)
        other = grant(DealerFactory(), tree["CN-GD-GZ"], line)
        # changing my own grant is checked against the others only…
        services.territory_update(territory=mine, ends_on=D(2026, 12, 31))
        # …but moving it over the other dealer's city is not
        with pytest.raises(ValidationError) as exc:
            services.territory_update(territory=mine, region=tree["CN-GD"])
        assert exc.value.params == {"territory": other.pk}
        mine.refresh_from_db()
        assert mine.region == tree["CN-GD-SZ"]
        assert mine.ends_on == D(2026, 12, 31)

    def test_end_before_start_is_refused(self, tree, line):
        with pytest.raises(ValidationError):
            grant(DealerFactory(), tree["CN-GD"], line, D(2026, 2, 1), D(2026, 1, 1))
        assert not Territory.objects.exists()

    def test_ending_a_grant_frees_the_region(self, tree, line):
        held = grant(DealerFactory(), tree["CN-GD"], line, exclusive=True)
        services.territory_end(territory=held, on_date=D(2026, 3, 31))
        grant(DealerFactory(), tree["CN-GD-SZ"], line, D(2026, 4, 1), exclusive=True)


@pytest.mark.django_db
def test_exclusive_territories_covering(tree, line):
    a, b = DealerFactory(), DealerFactory()
    gd = grant(a, tree["CN-GD"], line, D(2026, 1, 1), D(2026, 12, 31), exclusive=True)
    grant(b, tree["CN-BJ"], line, exclusive=True)
    grant(b, tree["CN-GD-SZ"], ProductLineFactory(code="PL-PRO"), exclusive=True)
    found = selectors.exclusive_territories_covering(
        region=tree["CN-GD-SZ"], product_line_id=line.pk, on_date=D(2026, 5, 1)
    )
    assert list(found) == [gd]
    assert not selectors.exclusive_territories_covering(
        region=tree["CN-GD-SZ"], product_line_id=line.pk, on_date=D(2027, 1, 1)
    ).exists()
    assert not selectors.exclusive_territories_covering(
        region=tree["CN-GD-SZ"],
        product_line_id=line.pk,
        on_date=D(2026, 5, 1),
        exclude_dealer_id=a.pk,
    ).exists()
    # a grant for a city does not cover its province
    assert not selectors.exclusive_territories_covering(
        region=tree["CN"], product_line_id=line.pk, on_date=D(2026, 5, 1)
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_conflicting_grants_exactly_one_succeeds():
    tree = region_tree()
    line = ProductLineFactory(code="PL-RACE")
    dealers = [DealerFactory(code="RACE-A"), DealerFactory(code="RACE-B")]
    regions = [tree["CN-GD"], tree["CN-GD-SZ"]]
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    original_lock = territories._lock_product_lines

    def slow_lock(*ids):
        barrier.wait(timeout=10)  # both transactions are open before either locks
        original_lock(*ids)

    def worker(i):
        try:
            outcomes[i] = grant(dealers[i], regions[i], line, exclusive=True)
        except ValidationError as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    territories._lock_product_lines = slow_lock
    try:
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        territories._lock_product_lines = original_lock
    successes = [o for o in outcomes if isinstance(o, Territory)]
    failures = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(successes) == 1 and len(failures) == 1, outcomes
    assert failures[0].code == "territory_conflict"
    assert failures[0].params == {"territory": successes[0].pk}
    assert Territory.objects.filter(product_line=line).count() == 1


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_race_would_let_both_through(monkeypatch):
    """Shows the test above is a real race: with the lock disabled both grants succeed."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers")
    tree = region_tree()
    line = ProductLineFactory(code="PL-RACE2")
    dealers = [DealerFactory(code="RACE-C"), DealerFactory(code="RACE-D")]
    regions = [tree["CN-GD"], tree["CN-GD-SZ"]]
    barrier = threading.Barrier(2)
    original_check = territories._check_territory

    def check_then_wait(territory):
        original_check(territory)
        barrier.wait(timeout=10)  # both have checked before either saves

    monkeypatch.setattr(territories, "_lock_product_lines", lambda *ids: None)
    monkeypatch.setattr(territories, "_check_territory", check_then_wait)
    errors = []

    def worker(i):
        try:
            grant(dealers[i], regions[i], line, exclusive=True)
        except Exception as exc:  # pragma: no cover - not expected
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert Territory.objects.filter(product_line=line).count() == 2
