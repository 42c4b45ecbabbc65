"""``portal.jsonb.jsonb_text``: the text PostgreSQL gives back for a value stored as jsonb,
computed without the database (the statement run compares stored derivations with it)."""

import json

import pytest
from django.db import connection

from portal.jsonb import jsonb_text

VALUES = [
    {},
    [],
    {"formula": "net_sales × base_rate", "net_sales": "320000", "exact": "192000.000"},
    {"b": 1, "aa": [1, 2, {"zz": None, "y": True, "x": False}], "a": {}, "ab": []},
    {"é": "1", "ee": "2", "e": "3", "€": "4", "ä": [], "z": -7},  # keys by length in bytes
    {"steps": [{"threshold": "100000", "rate": "0.02"}], "reached": None, "mode": "whole"},
    {"text": 'quote " backslash \\ slash / tab \t newline \n cr \r bell \x07 del \x7f'},
    {"controls": "".join(chr(c) for c in range(1, 32)), "unicode": "计算说明 ✓ \u2028 😀"},
    {"nested": [[[]], [{}], [{"": ""}]], "": "empty key"},
    [None, True, False, 0, -1, 12345678901234567890, "s", {"k": "v"}],
    "just a string",
    None,
]


@pytest.mark.django_db
@pytest.mark.parametrize("value", VALUES)
def test_jsonb_text_is_what_postgresql_gives_back(value):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::jsonb::text", [json.dumps(value)])
        stored = cursor.fetchone()[0]
    assert jsonb_text(value) == stored


@pytest.mark.parametrize("value", [1.5, {"a": (1, 2)}, {1: "int key"}, {"a": {"b": 0.1}}])
def test_jsonb_text_declines_values_it_does_not_render_exactly(value):
    assert jsonb_text(value) is None
