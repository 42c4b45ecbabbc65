"""Rate limits (DRF's ``SimpleRateThrottle``, counted in the cache: Redis): 429 with
``Retry-After``.

- API keys: ``API_KEY_RATE``, or the key's own ``rate``;
- browser sessions calling the API: ``API_SESSION_RATE``, per person;
- the password-reset form (it sends e-mail): ``PASSWORD_RESET_RATE``, per client address
  and per e-mail address (``portal.views.PasswordResetView``).

The session and password-reset rates are read from settings on each request.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from portal.models import ApiKey


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Per-key rate limit (`API_KEY_RATE`, or the key's own `rate`); 429 with Retry-After."""

    scope = "api_key"

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiKey) and request.auth.rate:
            self.rate = request.auth.rate
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return None  # sessions: SessionRateThrottle
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class SessionRateThrottle(SimpleRateThrottle):
    """Per-person rate limit of API calls made with a browser session (`API_SESSION_RATE`)."""

    scope = "session"

    def get_rate(self):
        return settings.API_SESSION_RATE

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if isinstance(request.auth, ApiKey) or user is None or not user.is_authenticated:
            return None  # keys: ApiKeyRateThrottle; anonymous callers get 401
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class PasswordResetThrottle(SimpleRateThrottle):
    """`PASSWORD_RESET_RATE` per client address, or per ``key`` when given (an e-mail
    address's digest)."""

    scope = "password_reset"

    def __init__(self, key: str | None = None):
        self.key = key
        super().__init__()

    def get_rate(self):
        return settings.PASSWORD_RESET_RATE

    def get_cache_key(self, request, view):
        ident = self.key or f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
