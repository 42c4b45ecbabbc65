"""Kernel pages: the health check, the language switcher, the throttled password-reset form,
the API's 404 for URLs that match no route, and the server-error page."""

import hashlib
import logging
import sys

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from portal.api.exceptions import DatabaseUnavailable, database_unavailable
from portal.api.throttling import PasswordResetThrottle
from portal.celery import app
from portal.services import user_set_language

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


@require_POST
def set_language(request):
    """Django's language switcher, which also saves a signed-in user's choice as their
    preference (DOMAIN.md §11: e-mails and notifications follow it)."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return response


def page_not_found(request, exception=None):
    """``handler404``: under ``/api/`` a URL that matches no route (``/api/v1/dealers/a/b/``)
    answers in the API's one error shape, like every other API 404; elsewhere Django's
    page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": "client_error",
                "errors": [{"code": "not_found", "detail": _("Not found."), "attr": None}],
            },
            status=404,
        )
    return defaults.page_not_found(request, exception)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's form, which sends e-mail: at most ``PASSWORD_RESET_RATE`` requests per client
    address and per e-mail address (so neither one client nor many can flood an inbox);
    over it, 429 and the form with the reason, and no e-mail."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        throttles = [
            PasswordResetThrottle(),
            PasswordResetThrottle(f"email:{hashlib.sha256(email.encode()).hexdigest()}"),
        ]
        # Every throttle counts the request (no short-circuit), so that neither is bypassed.
        allowed = [throttle.allow_request(self.request, self) for throttle in throttles]
        if not all(allowed):
            wait = max(throttle.wait() or 0 for throttle in throttles)
            form.add_error(
                None,
                _("Too many password-reset requests. Try again in %(minutes)d minutes.")
                % {"minutes": max(1, round(wait / 60))},
            )
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(max(1, round(wait)))
            return response
        return super().form_valid(form)


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
