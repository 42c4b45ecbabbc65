"""The text PostgreSQL gives back for a value stored as ``jsonb``, computed in Python.

jsonb keeps no formatting of its own: an object's keys are stored sorted — shorter keys
first (length in bytes), then bytewise — and printed as ``{"key": value, ...}`` and
``[a, b]`` with ``", "`` and ``": "``, strings escaped only as JSON requires (non-ASCII as
is). So a stored value can be compared with a new one as text, without decoding it:
``jsonb_text(new) == <column>::text``. Values it cannot render exactly (floats, tuples,
keys that are not strings, …) give ``None``: compare those the slow way."""

from __future__ import annotations

from json.encoder import encode_basestring  # the C encoder where there is one

#: an object's keys → its (key, rendered key prefix) pairs in jsonb's order
_ORDERS: dict[tuple, tuple[tuple[str, str], ...]] = {}
_MAX_ORDERS = 1024


class _Unrendered(Exception):
    pass


def _order(keys: tuple) -> tuple[tuple[str, str], ...]:
    order = _ORDERS.get(keys)
    if order is None:
        if any(type(key) is not str for key in keys):
            raise _Unrendered
        ranked = sorted(keys, key=lambda key: (len(key.encode()), key.encode()))
        order = tuple((key, f"{encode_basestring(key)}: ") for key in ranked)
        if len(_ORDERS) < _MAX_ORDERS:
            _ORDERS[keys] = order
    return order


def _text(value) -> str:
    # strings, by far the most common values, are rendered in place (no call per string)
    kind = type(value)
    if kind is dict:
        rendered = []
        for key, prefix in _order(tuple(value)):
            item = value[key]
            rendered.append(
                prefix + (encode_basestring(item) if type(item) is str else _text(item))
            )
        return "{" + ", ".join(rendered) + "}"
    if kind is list:
        items = [encode_basestring(i) if type(i) is str else _text(i) for i in value]
        return "[" + ", ".join(items) + "]"
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    raise _Unrendered


def jsonb_text(value) -> str | None:
    """PostgreSQL's text of ``value`` stored as jsonb, or None when it cannot say."""
    try:
        return _text(value)
    except _Unrendered:
        return None
