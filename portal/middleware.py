from urllib.parse import urlencode

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found as not_found

from portal import audit, mfa
from portal.clock import manufacturer_zone


class RequestActorMiddleware:
    """Attribute writes made during a browser request to the logged-in user.

    API-key requests are authenticated later, by DRF; the authentication class then sets
    the key as the actor for the rest of the request. The actor is reset after the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            token = audit.set_actor(audit.label_for_user(user), user=user)
        else:
            token = audit.set_actor("anonymous")
        try:
            return self.get_response(request)
        finally:
            audit.reset_actor(token)


class UserLanguageMiddleware:
    """The language follows the user's choice, else the browser (DOMAIN.md §11).

    LocaleMiddleware has already picked the language from the cookie or Accept-Language;
    a signed-in user with a saved preference and no language cookie (a new browser, a
    link from an e-mail) gets their preference instead. The switcher sets both."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            user = getattr(request, "user", None)
            preferred = getattr(user, "preferred_language", "") if user is not None else ""
            if preferred and preferred in dict(settings.LANGUAGES):
                translation.activate(preferred)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class TimeZoneMiddleware:
    """One clock: pages (the portal and the admin) show times in the manufacturer's zone,
    and naive times typed into forms are read in it. The API keeps ISO 8601 in UTC with
    its offset for machines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)
        with timezone.override(manufacturer_zone()):
            return self.get_response(request)


class RejectNullCharactersMiddleware:
    """No NUL character reaches the database from a URL, a query string, a form or a header.

    PostgreSQL refuses NUL in text, so a NUL anywhere in a lookup or a write was a 500. This is
    the one place that rejects it for every page and endpoint: a path with NUL is a 404 (no
    such object can exist); a parameter, form field or header with NUL is a 400 that names it
    (for the API in its error shape, code ``null_characters_not_allowed``). JSON bodies are
    checked by the API's parser (``portal.api.parsers``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return not_found(request, Http404())
        name = self._first_with_nul(request)
        if name is None:
            return self.get_response(request)
        message = str(ProhibitNullCharactersValidator.message)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "type": "validation_error",
                    "errors": [{"code": NUL_CODE, "detail": message, "attr": name}],
                },
                status=400,
            )
        return HttpResponseBadRequest(f"{name}: {message}", content_type="text/plain")

    @staticmethod
    def _first_with_nul(request) -> str | None:
        sources = [request.GET]
        if request.method == "POST" and request.content_type in FORM_TYPES:
            sources.append(request.POST)
        for source in sources:
            for key, values in source.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return key.replace("\x00", "")
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                return key[5:].replace("_", "-").title()
        return None


NUL_CODE = "null_characters_not_allowed"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class SecondFactorMiddleware:
    """A session that needs a second factor (portal.mfa.mfa_required_for) reaches only the
    sign-in pages until it is verified: pages redirect to verification (or, for staff
    without a device, to enrolment), session-authenticated API calls and htmx fragments get a 403.

    Runs after django-otp's OTPMiddleware (which sets ``request.user.is_verified``). API-key
    requests carry no session user here and are not affected.
    """

    OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/jsi18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.OPEN_PREFIXES)
            and not user.is_verified()
            and mfa.mfa_required_for(request)
        ):
            return self._refuse(request, user)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, user):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "type": "client_error",
                    "errors": [
                        {
                            "code": "second_factor_required",
                            "detail": str(_("Verify this session with your second factor first.")),
                            "attr": None,
                        }
                    ],
                },
                status=403,
            )
        if request.headers.get("HX-Request"):
            # a fragment (the notification bell): htmx swaps nothing on a 403
            return HttpResponseForbidden()
        target = "mfa-verify" if mfa.mfa_enrolled(user) else "mfa-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
