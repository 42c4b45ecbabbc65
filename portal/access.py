"""Tenant scoping in one place.

Every reader of dealer data asks ``Model.objects.visible_to(who)`` where ``who`` is a user, an
API key, a request or an :class:`Actor`. Manufacturer staff and manufacturer keys see
everything; a dealer user or dealer-bound key sees only its own dealer's rows; anybody else
sees nothing. Views turn "not visible" into 404, never 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models

# --- Dealer roles and the areas they open ----------------------------------------------------
#: A dealer user's role (``DealerMembership.Role``). The owner manages the dealer's users and
#: signs agreements; the others see what their job needs.
DEALER_ROLES = ("owner", "finance", "sales", "stock")

#: Area of the portal → the dealer roles that may open it. The one place that decides which
#: dealer user sees which pages, menu entries and API endpoints (``Actor.may``,
#: :func:`area_required`, a viewset's ``dealer_area``), and who among a dealer's users gets
#: which e-mails and notifications (``dealers.selectors.dealer_recipients``). Staff, the
#: manufacturer's keys and dealer-bound API keys (a partner system acting for the whole
#: dealer) open every area. docs/dealers.md explains the choice.
DEALER_AREAS: dict[str, frozenset[str]] = {
    # profile, agreement, territories, tier, certifications, reviews, meetings,
    # announcements: what the dealer is, everyone who works for it
    "company": frozenset(DEALER_ROLES),
    # inviting and removing users, changing their roles; webhook endpoints (integrations)
    "members": frozenset({"owner"}),
    "integrations": frozenset({"owner"}),
    # commission statements, their components, the what-if panel, disputes
    "statements": frozenset({"owner", "finance"}),
    # sale lines (upload), deal registrations, price promotions, marketing funds
    "sales": frozenset({"owner", "finance", "sales"}),
    "deals": frozenset({"owner", "sales"}),
    "pricing": frozenset({"owner", "sales"}),
    "mdf": frozenset({"owner", "finance", "sales"}),
    # stock levels, uploads, stock alerts, transfers between dealers
    "stock": frozenset({"owner", "stock"}),
    # conflict tickets: anyone may raise and follow one (a stock user a logistics ticket,
    # finance a commission dispute, sales a channel conflict)
    "tickets": frozenset(DEALER_ROLES),
}


def roles_for(area: str) -> frozenset[str]:
    """The dealer roles that open ``area`` (a ``KeyError`` for an unknown area: a typo in
    code, not a user error)."""
    return DEALER_AREAS[area]


@dataclass(frozen=True)
class Actor:
    user: Any = None
    api_key: Any = None
    dealer_id: int | None = None
    manufacturer: bool = False
    #: the dealer user's role (``DEALER_ROLES``); None for staff, keys and anonymous
    role: str | None = None

    def may(self, area: str) -> bool:
        """May this actor open ``area`` of the portal (``DEALER_AREAS``)? Staff and keys may
        open every area (staff are limited by their groups elsewhere); a dealer user by its
        role; nobody else."""
        allowed = roles_for(area)
        if self.manufacturer:
            return True
        if self.dealer_id is None:
            return False
        if self.api_key is not None:
            return True
        return self.role in allowed

    @property
    def areas(self) -> frozenset[str]:
        """Every area this actor may open (the navigation shows only these)."""
        return frozenset(area for area in DEALER_AREAS if self.may(area))

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
        return Actor(user=user, dealer_id=membership.dealer_id, role=membership.role)
    return Actor(user=user)


def area_required(area: str):
    """View decorator: log-in required, and the actor must be allowed into ``area``
    (``Actor.may``); a dealer user whose role does not cover it gets 403 (the page exists
    for its dealer, its role just does not open it)."""
    roles_for(area)  # fail at import time on an unknown area

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not actor_from(request).may(area):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.dealer_area = area
        return wrapper

    return decorator


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
