"""The API's JSON parser: the one place where a request body becomes data.

(A body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` never gets here: Django refuses it when
DRF reads it, and the error handler answers 413 ``request_too_large``.)

Beyond DRF's parser it refuses, before any view or service sees the data:
- nesting deeper than :data:`MAX_DEPTH` (400 ``parse_error``; 1,000 levels used to be a
  ``RecursionError``);
- a NUL character in any string or key (400 ``null_characters_not_allowed`` naming the field
  by its path, e.g. ``lines.3.external_id``): PostgreSQL refuses NUL in text.
"""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers
from rest_framework.exceptions import ErrorDetail

MAX_DEPTH = 32
NUL_CODE = "null_characters_not_allowed"


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def check_parsed(data, *, text: str | None = None) -> None:
    """Raise for nesting deeper than MAX_DEPTH or NUL in any string or key (every NUL
    field is listed). Given the JSON ``text`` it came from, and that text holds no NUL
    (neither raw nor escaped), only the nesting is walked."""
    if text is not None and "\x00" not in text and "\\u0000" not in text:
        _check_depth(data)
        return
    errors: dict[str, list] = {}
    stack = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH and isinstance(value, dict | list):  # scalars are no level
            raise exceptions.ParseError(
                _("JSON may be nested at most %(depth)d levels deep.") % {"depth": MAX_DEPTH}
            )
        if isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                if "\x00" in key:
                    errors[child.replace("\x00", "")] = []
                stack.append((item, child, depth + 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                stack.append((item, f"{path}.{index}" if path else str(index), depth + 1))
        elif isinstance(value, str) and "\x00" in value:
            errors[path.replace("\x00", "") or "non_field_errors"] = []
    if errors:
        message = str(ProhibitNullCharactersValidator.message)
        raise exceptions.ValidationError(
            {field: [ErrorDetail(message, code=NUL_CODE)] for field in sorted(errors)}
        )


def _check_depth(data) -> None:
    """Level by level (a 10,000-item batch is one list of flat objects: two levels, each
    read by one comprehension instead of a stack entry per value)."""
    containers = (dict, list)
    level = [data] if isinstance(data, containers) else []
    depth = 1
    while level:
        if depth > MAX_DEPTH:
            raise exceptions.ParseError(
                _("JSON may be nested at most %(depth)d levels deep.") % {"depth": MAX_DEPTH}
            )
        below = []
        for value in level:
            children = value.values() if isinstance(value, dict) else value
            below.extend([child for child in children if isinstance(child, containers)])
        level = below
        depth += 1


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(stream.read(), encoding)
            data = json.loads(text, parse_constant=_reject_constant)
        except RecursionError:
            raise exceptions.ParseError(
                _("JSON may be nested at most %(depth)d levels deep.") % {"depth": MAX_DEPTH}
            ) from None
        except ValueError as exc:
            # DRF's own message (and its translations)
            raise exceptions.ParseError(_("JSON parse error - %s") % str(exc)) from None
        check_parsed(data, text=text)
        return data
