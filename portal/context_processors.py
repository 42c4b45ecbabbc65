from django.utils import timezone

from portal.access import actor_from
from portal.clock import zone_label


def portal(request):
    """Navigation context: who is looking (staff, a dealer user, or nobody)."""
    actor = actor_from(request) if hasattr(request, "user") else None
    return {
        "portal_actor": actor,
        "is_staff_user": bool(actor and actor.manufacturer),
        "current_dealer": actor.dealer if actor is not None and actor.is_dealer else None,
        # the areas of the portal this person opens (portal.access.DEALER_AREAS): the
        # navigation and the dashboard show only these
        "may_open": actor.areas if actor is not None else frozenset(),
        # named once per page (the footer), for the zone every time on it is shown in
        "time_zone_label": zone_label(timezone.get_current_timezone()),
    }
