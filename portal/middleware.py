from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.views.defaults import page_not_found as not_found

from portal import audit


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
