from portal.api import events, notifications


def register(router):
    """Site-wide resources of the kernel: the caller's notifications and event stream."""
    router.register("notifications", notifications.NotificationViewSet, basename="notification")
    router.register("events", events.EventViewSet, basename="event")


urlpatterns = []
