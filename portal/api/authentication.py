"""`Authorization: Api-Key <key>` authentication (djangorestframework-api-key models)."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework_api_key.permissions import KeyParser

from portal import audit
from portal.models import ApiKey


class _Parser(KeyParser):
    keyword = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticates a partner system by its key. A wrong, revoked or expired key is 401.

    ``request.user`` stays anonymous; ``request.auth`` is the :class:`ApiKey`, from which
    ``portal.access.actor_from`` derives the dealer scope.
    """

    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(self.keyword + " "):
            return None
        key = _Parser().get(request)
        if not key:
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        prefix, _dot, _rest = key.partition(".")
        api_key = (
            ApiKey.objects.get_usable_keys().select_related("dealer").filter(prefix=prefix).first()
        )
        # Unknown, revoked and expired keys get the same answer.
        if api_key is None or not api_key.is_valid(key):
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        now = timezone.now()
        # Record use at most once a minute, so that every request is not a write.
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
        # Writes for the rest of this request are attributed to the key.
        audit.set_actor(api_key.label)
        return AnonymousUser(), api_key

    def authenticate_header(self, request):
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`; issue keys with `manage.py issue_api_key`.",
        }
