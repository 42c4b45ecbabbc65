"""``Idempotency-Key`` for POST endpoints (IETF draft *The Idempotency-Key HTTP Header
Field*, as Stripe does it). Reusable by any app:

    from portal.api.idempotency import idempotent_response

    def post(self, request):
        return idempotent_response(request, required=True, handler=lambda: Response(...))

- The key is scoped to the caller (the API key, else the user) and kept 24 hours.
- The first request records the key with a fingerprint of method, path and body, *in
  flight*; the handler runs in a transaction together with storing its response, so a
  stored response always matches what was committed.
- The same key and body again: the stored status and body with ``Idempotent-Replayed:
  true``; nothing runs. A different body: 422 ``idempotency_key_reused``. While the first
  is still running: 409 ``idempotency_key_in_flight``.
- Every response the handler gives is stored and replayed, whatever its status (DOMAIN.md
  §5.2): a 422 for an invalid batch is answered again as a 422, even if the same request
  would succeed now — a client that wants another try sends a new key. An error the
  handler raises as an API error (validation, permission, not found) is turned into its
  response here, with everything the handler did rolled back, and stored likewise. Only
  a crash (an unexpected exception: a 500, a lost database) releases the key: nothing was
  applied, and the client may retry with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings

from portal.access import actor_from
from portal.api.exceptions import Conflict, Unprocessable
from portal.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
RETENTION = timedelta(hours=24)
#: a record still "in flight" this long after it started was abandoned (its transaction
#: rolled back, so nothing of it was applied) and may be taken over
ABANDONED_AFTER = timedelta(minutes=10)
MAX_KEY_LENGTH = 255


class KeyRequired(exceptions.ValidationError):
    default_code = "idempotency_key_required"


class KeyInFlight(Conflict):
    default_detail = _("A request with this Idempotency-Key is still being processed.")
    default_code = "idempotency_key_in_flight"


class KeyReused(Unprocessable):
    default_detail = _("This Idempotency-Key was used with a different request body.")
    default_code = "idempotency_key_reused"


def caller_scope(request) -> str:
    """Keys of different callers never collide."""
    actor = actor_from(request)
    if actor.api_key is not None:
        return f"api-key:{actor.api_key.pk}"
    if actor.user is not None and actor.user.is_authenticated:
        return f"user:{actor.user.pk}"
    return "anonymous"


def request_fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    raw = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _key_from(request, *, required: bool) -> str | None:
    key = request.headers.get(HEADER)
    if key is None or not key.strip():
        if required:
            raise KeyRequired(
                {
                    HEADER: [
                        exceptions.ErrorDetail(
                            _("This endpoint requires an Idempotency-Key header."),
                            code="idempotency_key_required",
                        )
                    ]
                }
            )
        return None
    key = key.strip().strip('"')
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise exceptions.ValidationError(
            {
                HEADER: [
                    exceptions.ErrorDetail(
                        _("An Idempotency-Key is at most 255 printable characters."),
                        code="idempotency_key_invalid",
                    )
                ]
            }
        )
    return key


def _begin(scope: str, key: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
    """Claim the key (autocommit, so that a concurrent request sees it in flight)."""
    now = timezone.now()
    IdempotencyRecord.objects.filter(scope=scope, key=key, created_at__lt=now - RETENTION).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                scope=scope, key=key, fingerprint=fingerprint, created_at=now
            ), True
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.get(scope=scope, key=key)
    if record.fingerprint != fingerprint:
        raise KeyReused()
    if record.status == IdempotencyRecord.Status.IN_FLIGHT:
        if record.created_at < now - ABANDONED_AFTER:
            taken = IdempotencyRecord.objects.filter(
                pk=record.pk,
                status=IdempotencyRecord.Status.IN_FLIGHT,
                created_at=record.created_at,
            ).update(created_at=now)
            if taken:
                record.created_at = now
                return record, True
        raise KeyInFlight()
    return record, False


#: raised by a handler, answered (and so stored) as the API's error response
ANSWERED_ERRORS = (exceptions.APIException, Http404, DjangoPermissionDenied)


def _error_response(exc: Exception, request, view) -> Response:
    response = api_settings.EXCEPTION_HANDLER(exc, {"request": request, "view": view})
    if response is None:  # not an API error after all
        raise exc
    return response


def idempotent_response(
    request, *, required: bool, handler: Callable[[], Response], view=None
) -> Response:
    """Run ``handler`` at most once per (caller, ``Idempotency-Key``); see the module doc.

    Call it outside any transaction (it commits the claim of the key first). Without a key
    (and ``required=False``) the handler simply runs. ``view``: for the error handler's
    context."""
    key = _key_from(request, required=required)
    if key is None:
        return handler()
    scope = caller_scope(request)
    record, fresh = _begin(scope, key, request_fingerprint(request))
    if not fresh:
        response = Response(record.response_body, status=record.response_status)
        response[REPLAYED_HEADER] = "true"
        return response
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():  # an error rolls back what the handler did
                    response = handler()
            except ANSWERED_ERRORS as exc:
                response = _error_response(exc, request, view)
            updated = IdempotencyRecord.objects.filter(
                pk=record.pk, status=IdempotencyRecord.Status.IN_FLIGHT
            ).update(
                status=IdempotencyRecord.Status.COMPLETED,
                response_status=response.status_code,
                response_body=json.loads(json.dumps(response.data, default=str)),
            )
            if not updated:  # taken over as abandoned meanwhile: let that one win
                transaction.set_rollback(True)
                raise KeyInFlight()
    except BaseException:
        _release(record)
        raise
    return response


def _release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(
        pk=record.pk, status=IdempotencyRecord.Status.IN_FLIGHT, created_at=record.created_at
    ).delete()


def idempotency_records_purge(*, now=None) -> int:
    """Delete records older than 24 hours; returns how many."""
    now = now or timezone.now()
    deleted, _detail = IdempotencyRecord.objects.filter(created_at__lt=now - RETENTION).delete()
    return deleted
