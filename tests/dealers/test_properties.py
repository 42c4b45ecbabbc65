"""Property tests: credit codes, and the territory conflict query against the pure rule."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealers import calculations as calc
from dealers import selectors
from dealers.models import Territory
from tests.factories import DealerFactory, ProductLineFactory, region_tree

ALPHABET = calc.CREDIT_CODE_ALPHABET


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17), st.data())
def test_any_prefix_with_its_check_character_is_valid_and_one_change_breaks_it(prefix, data):
    code = prefix + calc.credit_code_check_character(prefix)
    assert calc.credit_code_is_valid(code)
    position = data.draw(st.integers(0, 17))
    replacement = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != code[position]))
    assert not calc.credit_code_is_valid(code[:position] + replacement + code[position + 1 :])


REGIONS = ["CN", "CN-GD", "CN-GD-SZ", "CN-GD-GZ", "CN-BJ"]
BASE = datetime.date(2026, 1, 1)


@st.composite
def grants(draw):
    start = BASE + datetime.timedelta(days=draw(st.integers(0, 60)))
    length = draw(st.one_of(st.none(), st.integers(0, 40)))
    end = None if length is None else start + datetime.timedelta(days=length)
    return (draw(st.sampled_from(REGIONS)), start, end, draw(st.booleans()))


class _Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(existing=st.lists(grants(), min_size=1, max_size=4), new=grants())
def test_conflict_query_agrees_with_the_rule(existing, new):
    tree = region_tree()
    try:
        with transaction.atomic():
            line = ProductLineFactory(code="PL-PROP")
            dealer = DealerFactory(code="PROP")
            rows = [
                Territory.objects.create(
                    dealer=dealer,
                    region=tree[r],
                    product_line=line,
                    starts_on=s,
                    ends_on=e,
                    exclusive=x,
                )
                for r, s, e, x in existing
            ]
            region, start, end, exclusive = new
            found = set(
                selectors.territory_conflicts(
                    region=tree[region],
                    product_line_id=line.pk,
                    starts_on=start,
                    ends_on=end,
                    exclusive=exclusive,
                ).values_list("pk", flat=True)
            )
            expected = {
                row.pk
                for row, (r, s, e, x) in zip(rows, existing, strict=True)
                if calc.grants_conflict(region, start, end, exclusive, r, s, e, x)
            }
            assert found == expected
            raise _Rollback
    except _Rollback:
        pass
