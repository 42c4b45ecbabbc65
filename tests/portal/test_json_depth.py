"""The API parser's nesting limit, on objects and lists mixed (the API tests send lists)."""

import pytest
from rest_framework.exceptions import ParseError

from portal.api.parsers import MAX_DEPTH, check_parsed


def nested(depth: int):
    """A value whose innermost container is at ``depth``: objects and lists alternating,
    with scalars and flat siblings beside them on every level."""
    value: dict | list = {}
    for level in range(depth - 1, 0, -1):
        value = {"x": 1, "child": value, "flat": [1, 2]} if level % 2 else [0, value, "s"]
    return value


@pytest.mark.parametrize("depth", [1, 2, MAX_DEPTH])
def test_up_to_the_limit_is_accepted(depth):
    check_parsed(nested(depth), text="{}")
    check_parsed(nested(depth))  # the walk that also looks for NUL


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, MAX_DEPTH + 5])
def test_past_the_limit_is_a_parse_error(depth):
    with pytest.raises(ParseError):
        check_parsed(nested(depth), text="{}")
    with pytest.raises(ParseError):
        check_parsed(nested(depth))


def test_a_wide_flat_batch_is_two_levels():
    check_parsed({"items": [{"sku": str(i), "quantity": "1"} for i in range(10_000)]}, text="{}")
