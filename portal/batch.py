"""Several reads in one round trip: a page made of panels (the dealer's home) asks each app
for its querysets, unevaluated, and evaluates them all with one ``SELECT``.

``fetch_together(a=qs_a, b=qs_b)`` sends ``SELECT (SELECT json_agg(t) FROM (<qs_a>) t),
(SELECT json_agg(t) FROM (<qs_b>) t)`` and gives ``{"a": [...], "b": [...]}``, each list what
``list(queryset)`` gives: model instances with their ``select_related`` objects and
annotations, or ``.values()`` dicts. Each queryset is compiled as Django compiles it and keeps
its ordering and slicing (``json_agg`` over an ordered subquery keeps its order); its rows
come back as JSON arrays, are typed by each column's field (decimals keep their scale,
instants their zone) and handed to Django's own iterable, as if its cursor had read them.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesIterable


def fetch_together(**querysets: QuerySet) -> dict[str, list]:
    """Evaluate every queryset (model instances or ``.values()`` dicts) in one query."""
    reads, parts, params, using = {}, [], [], None
    for key, queryset in querysets.items():
        if queryset._iterable_class not in (ModelIterable, ValuesIterable):
            raise TypeError("fetch_together reads model and .values() querysets only")
        queryset = queryset._chain()
        using = using or queryset.db or router.db_for_read(queryset.model)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, p = compiler.as_sql()  # Django's SQL; the values stay parameters
        except EmptyResultSet:  # .none(), or a filter on an empty list: nothing to ask
            parts.append("'[]'")
        else:
            # the derived table's columns may repeat a name (id of the row, id of a related
            # row): json keeps every key, in order, and the rows are read back by position
            parts.append(f"(SELECT COALESCE(json_agg(t), '[]')::text FROM ({sql}) t)")  # noqa: S608
            params.extend(p)
        reads[key] = (queryset, compiler)
    if not reads:
        return {}
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        texts = cursor.fetchone()
    return {
        key: _evaluate(queryset, compiler, text)
        for (key, (queryset, compiler)), text in zip(reads.items(), texts, strict=True)
    }


def _evaluate(queryset: QuerySet, compiler, text: str) -> list:
    rows = json.loads(text, parse_float=Decimal, object_pairs_hook=_Pairs)
    if rows:
        fields = [column[0].output_field for column in compiler.select]
        # (a row may end with columns the query selects only to order by)
        rows = [[_typed(f, v) for f, (_name, v) in zip(fields, row, strict=False)] for row in rows]
    # Django's iterable builds the results (related objects, annotations, the fields' own
    # conversions) from these rows as from a cursor's: the query was read already.
    compiler.execute_sql = lambda *args, **kwargs: [rows]
    queryset.query.get_compiler = lambda *args, **kwargs: compiler
    return list(queryset._iterable_class(queryset))


class _Pairs(list):
    """A JSON object as its (name, value) pairs, in order: a row may repeat a name."""


def _typed(field, value):
    """A JSON value as the database driver gives it for ``field``'s column."""
    if value is None:
        return None
    if field.get_internal_type() == "JSONField":
        return json.dumps(_plain_json(value))  # the field's own conversion parses it
    return field.to_python(value)


def _plain_json(value):
    """A JSON column's value as ``json.loads`` gives it (its numbers were read as decimals)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, _Pairs):
        return {name: _plain_json(v) for name, v in value}
    if isinstance(value, list):
        return [_plain_json(v) for v in value]
    return value
