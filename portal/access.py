"""Tenant scoping in one place.

Every reader of dealer data asks ``Model.objects.visible_to(who)`` where ``who`` is a user, an
API key, a request or an :class:`Actor`. Manufacturer staff and manufacturer keys see
everything; a dealer user or dealer-bound key sees only its own dealer's rows; anybody else
sees nothing. Views turn "not visible" into 404, never 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Actor:
    user: Any = None
    api_key: Any = None
    dealer_id: int | None = None
    manufacturer: bool = False

    @property
    def is_dealer(self) -> bool:
        return self.dealer_id is not None

    @property
    def label(self) -> str:
        if self.api_key is not None:
            return self.api_key.label
        if self.user is not None and self.user.is_authenticated:
            return f"user:{self.user.get_username()}"
        return "anonymous"

    @property
    def dealer(self):
        if self.dealer_id is None:
            return None
        if self.api_key is not None:
            return self.api_key.dealer
        return self.user.dealer

    def in_group(self, *names: str) -> bool:
        """Staff group check; manufacturer keys act as a service account in every group."""
        if self.api_key is not None:
            return self.manufacturer
        user = self.user
        if user is None or not user.is_authenticated or not user.is_staff:
            return False
        if user.is_superuser:
            return True
        return user.groups.filter(name__in=names).exists()


ANONYMOUS = Actor()


def actor_from(who) -> Actor:
    """Build the :class:`Actor` for a user, API key, request or actor."""
    from portal.models import ApiKey

    if who is None:
        return ANONYMOUS
    if isinstance(who, Actor):
        return who
    if isinstance(who, ApiKey):
        if who.is_manufacturer:
            return Actor(api_key=who, manufacturer=True)
        return Actor(api_key=who, dealer_id=who.dealer_id)
    if hasattr(who, "META"):  # a request (Django's or DRF's)
        cached = getattr(who, "_portal_actor", None)
        if cached is not None:
            return cached
        auth = getattr(who, "auth", None)
        actor = actor_from(auth) if isinstance(auth, ApiKey) else actor_from(who.user)
        try:
            who._portal_actor = actor
        except AttributeError:
            pass
        return actor
    user = who
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    if user.is_staff:
        return Actor(user=user, manufacturer=True)
    membership = user.dealer_membership
    if membership is not None:
        return Actor(user=user, dealer_id=membership.dealer_id)
    return Actor(user=user)


class TenantQuerySet(models.QuerySet):
    """QuerySet with ``visible_to``. A model names the path to its dealer in ``tenant_field``
    (``"dealer"`` by default, ``"warehouse__dealer"`` for example); models visible to more
    than one dealer override :meth:`dealer_filter`."""

    def dealer_filter(self, dealer_id: int) -> models.Q:
        field = getattr(self.model, "tenant_field", "dealer")
        return models.Q(**{field: dealer_id})

    def visible_to(self, who):
        actor = actor_from(who)
        if actor.manufacturer:
            return self.all()
        if actor.dealer_id is None:
            return self.none()
        return self.filter(self.dealer_filter(actor.dealer_id))


TenantManager = models.Manager.from_queryset(TenantQuerySet)
