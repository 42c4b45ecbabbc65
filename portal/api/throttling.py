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
            return None  # browser sessions are not throttled here
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
