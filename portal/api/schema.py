"""What the OpenAPI schema (drf-spectacular, ``/api/schema/``) says about errors.

Every error has the one shape of drf-standardized-errors: ``{"type": …, "errors": [{"code",
"detail", "attr"}]}``. Its ``AutoSchema`` documents, on each operation, the error statuses
that the operation can answer (400 where there is a body or a filter, 401 with
authentication, 403 with permissions, 404 with a path parameter or pagination, 405, 406,
415, 429 with throttling); ``DRF_STANDARDIZED_ERRORS`` (settings) points all of them at
:class:`ErrorResponseSerializer`. Codes and fields are plain strings there: services add
their own codes (``dealer_read_only``, ``statement_locked``) and batch errors name items
(``lines.3.sku``). 409 and 422 only some operations answer: they declare them with
:func:`error_responses`. The schemathesis test (tests/portal/test_api_schema.py) holds the
schema to what the server really answers.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Machine-readable, e.g. `required`, `not_found`, `dealer_read_only`."
    )
    detail = serializers.CharField(help_text="Human-readable, in the caller's language.")
    attr = serializers.CharField(
        allow_null=True,
        help_text="The field concerned (`lines.3.sku` inside a batch); null when none.",
    )


class ErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["validation_error", "client_error", "server_error"])
    errors = ErrorSerializer(many=True)


_DESCRIPTIONS = {
    409: "Conflict with the current state (e.g. the same `Idempotency-Key` still in flight).",
    422: "Well-formed but refused as a whole (e.g. a batch with invalid items, or an "
    "`Idempotency-Key` reused with another body).",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """``extend_schema(responses={200: …, **error_responses(409, 422)})`` for the statuses
    that only some operations answer."""
    return {
        status: OpenApiResponse(ErrorResponseSerializer, description=_DESCRIPTIONS.get(status, ""))
        for status in statuses
    }


#: the optional ``Idempotency-Key`` header of a create (``portal.api.idempotency``)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Unique per request (e.g. a UUID): a retry with the same key and body returns "
    "the first response and creates nothing more.",
)
