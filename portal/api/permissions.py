"""Who may call what.

- Anonymous callers: 401.
- Manufacturer keys: everything (a staff service account).
- Staff users: reads; writes need the model's Django permission (groups grant them).
- Dealer users: only the areas their role opens (a viewset's ``dealer_area``,
  ``portal.access.DEALER_AREAS``; 403 ``area_not_allowed`` otherwise).
- Dealer users and dealer keys: reads of their own dealer's data (scoping is done by
  ``visible_to`` in the queryset, so other dealers' objects are 404); writes only on
  viewsets that allow dealer writes (``dealer_writable = True``), and only while the dealer
  may write (a suspended or terminated dealer gets ``dealer_read_only``).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from portal.access import actor_from


class DealerReadOnly(exceptions.PermissionDenied):
    default_detail = _("Your dealer account is read-only in its current state.")
    default_code = "dealer_read_only"


class AreaNotAllowed(exceptions.PermissionDenied):
    default_detail = _("Your role in your dealer does not open this part of the portal.")
    default_code = "area_not_allowed"


def check_area(request, view) -> None:
    """A viewset's ``dealer_area`` (``portal.access.DEALER_AREAS``): a dealer user whose
    role does not cover it gets 403 ``area_not_allowed``."""
    area = getattr(view, "dealer_area", None)
    if area and not actor_from(request).may(area):
        raise AreaNotAllowed()


class PortalPermission(permissions.BasePermission):
    perms_map = {
        "POST": "add",
        "PUT": "change",
        "PATCH": "change",
        "DELETE": "delete",
    }

    def has_permission(self, request, view):
        actor = actor_from(request)
        if actor.api_key is None and not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        if actor.manufacturer and actor.api_key is not None:
            return True
        check_area(request, view)
        if request.method in permissions.SAFE_METHODS:
            return actor.manufacturer or actor.is_dealer
        if actor.manufacturer:  # staff user
            required = getattr(view, "required_staff_permission", None)
            if required:
                return request.user.has_perm(required)
            model = getattr(getattr(view, "queryset", None), "model", None)
            if model is None:
                return request.user.is_superuser
            action = self.perms_map.get(request.method, "change")
            return request.user.has_perm(
                f"{model._meta.app_label}.{action}_{model._meta.model_name}"
            )
        if actor.is_dealer and getattr(view, "dealer_writable", False):
            dealer = actor.dealer
            if dealer is None:
                raise DealerReadOnly()
            if not dealer.can_write():
                raise DealerReadOnly(dealer.read_only_message())
            return True
        if actor.is_dealer and view.kwargs.get(
            getattr(view, "lookup_url_kwarg", None) or view.lookup_field
        ):
            # A write to one object: let the scoped lookup answer 404 for other dealers'
            # objects first; has_object_permission refuses the dealer's own.
            return True
        return False

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        actor = actor_from(request)
        if actor.is_dealer and not getattr(view, "dealer_writable", False):
            return False
        return True


class StaffOnly(permissions.BasePermission):
    """For staff-only resources: dealer callers get 404 through an empty queryset, and
    here a clear 403 on list/create."""

    def has_permission(self, request, view):
        return actor_from(request).manufacturer


class Authenticated(permissions.BasePermission):
    """A signed-in person or a valid API key, whatever else it may do (the view scopes and
    refuses the rest itself: own notifications, acknowledging one's own review)."""

    def has_permission(self, request, view):
        if request.auth is None and not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        check_area(request, view)
        return True
