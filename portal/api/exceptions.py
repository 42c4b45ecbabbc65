"""Error helpers shared by the API: one JSON shape (drf-standardized-errors) everywhere, and
the one place where a service's Django errors become the API's."""

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils.translation import gettext_lazy as _
from drf_standardized_errors import handler
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from portal.errors import StaleFigures


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class Unprocessable(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request could not be processed."
    default_code = "unprocessable"


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


def django_to_drf_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """Turn a Django ValidationError into DRF's, keeping field names and codes."""
    if hasattr(exc, "error_dict"):
        detail = {}
        for field, errors in exc.error_dict.items():
            key = "non_field_errors" if field == "__all__" else field
            detail[key] = [
                serializers.ErrorDetail(" ".join(e.messages), code=e.code or "invalid")
                for e in errors
            ]
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError(
        [
            serializers.ErrorDetail(" ".join(e.messages), code=e.code or "invalid")
            for e in exc.error_list
        ]
    )


def stale_figures_response(exc: StaleFigures, current: dict) -> Response:
    """``409`` in the API's one error shape, with the current figures (``current``, the
    object as its serializer shows it) so that the caller can review them and retry."""
    return Response(
        {
            "type": "client_error",
            "errors": [{"code": exc.code, "detail": " ".join(exc.messages), "attr": exc.field}],
            "current": current,
        },
        status=status.HTTP_409_CONFLICT,
    )


def call_service(fn, **kwargs):
    """Run a service for an API view, in a transaction (nothing half-applied): its
    ValidationError becomes a 400 with field and code, PermissionDenied a 403, and a missing
    object a 404. :class:`StaleFigures` passes through for the view to answer with the
    current figures (:func:`stale_figures_response`)."""
    try:
        with transaction.atomic():
            return fn(**kwargs)
    except StaleFigures:
        raise
    except DjangoValidationError as exc:
        raise django_to_drf_error(exc) from None
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from None
    except ObjectDoesNotExist:
        raise exceptions.NotFound() from None


class DatabaseUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is unavailable; nothing was changed. Retry later."
    default_code = "database_unavailable"
    wait = 30  # Retry-After


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether an exception means PostgreSQL could not be reached or the connection broke
    (the transaction of the request is then rolled back: nothing half-applied)."""
    return isinstance(exc, OperationalError | InterfaceError)


class ExceptionHandler(handler.ExceptionHandler):
    """drf-standardized-errors' handler, which also answers a body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django refuses it when DRF reads it) with a 413 in the
    API's error shape instead of Django's plain 400 page, and a lost database with a 503
    instead of a 500."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, RequestDataTooBig):
            return RequestTooLarge()
        if database_unavailable(exc):
            return DatabaseUnavailable()
        return super().convert_known_exceptions(exc)
