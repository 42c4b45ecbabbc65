from django.utils import timezone

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
