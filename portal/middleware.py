from urllib.parse import urlencode

from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import audit, mfa


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
