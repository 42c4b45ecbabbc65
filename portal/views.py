"""Kernel pages: the health check, the server-error page."""

import logging
import sys

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.api.exceptions import DatabaseUnavailable, database_unavailable
from portal.celery import app

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness: the database and the Celery broker must answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        logger.exception("healthz: database check failed")
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:
        logger.exception("healthz: broker check failed")
        checks["broker"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def server_error(request):
    """handler500: an unreachable database (in a view or a middleware) is a 503 — JSON in
    the API's error shape under /api/, a plain page elsewhere (no template: it would need
    the database) — anything else Django's 500."""
    if not database_unavailable(sys.exc_info()[1]):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        error = DatabaseUnavailable()
        body = {
            "type": "server_error",
            "errors": [{"code": error.default_code, "detail": str(error.detail), "attr": None}],
        }
        return JsonResponse(body, status=503, headers={"Retry-After": "30"})
    message = _("The service is briefly unavailable; nothing was changed. Please try again in a minute.")
    return HttpResponse(
        f"<!DOCTYPE html><title>503</title><p>{escape(message)}</p>",
        status=503,
        headers={"Retry-After": "30"},
    )
