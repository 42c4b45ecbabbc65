"""Kernel services: API keys, the user's language."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import ApiKey


@transaction.atomic
def api_key_issue(
    *, name: str, dealer=None, manufacturer: bool = False, rate: str = ""
) -> tuple[ApiKey, str]:
    """Create a key bound to ``dealer`` or to the manufacturer; return it and the secret,
    which is shown once and stored only hashed."""
    if (dealer is None) == (not manufacturer):
        raise ValidationError(
            _("A key is bound either to one dealer or to the manufacturer."), code="invalid_binding"
        )
    if not name.strip():
        raise ValidationError({"name": _("A key needs a name.")}, code="required")
    api_key, secret = ApiKey.objects.create_key(
        name=name.strip(), dealer=dealer, is_manufacturer=manufacturer, rate=rate
    )
    return api_key, secret


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    api_key.revoked = True
    api_key.save(update_fields=["revoked"])
    return api_key


@transaction.atomic
def user_set_language(*, user, language: str) -> bool:
    """Remember ``language`` (a code of settings.LANGUAGES) as the user's preference, which
    e-mails and notifications follow. Returns whether it changed; an unknown code is refused."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")}, code="invalid")
    if user.preferred_language == language:
        return False
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return True
