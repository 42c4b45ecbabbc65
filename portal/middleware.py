from django.conf import settings
from django.utils import timezone, translation

from portal import audit
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
