from django.urls import path

from portal.api import events, notifications


def register(router):
    """Site-wide resources of the kernel: the caller's notifications (the event stream is
    in ``urlpatterns``)."""
    router.register("notifications", notifications.NotificationViewSet, basename="notification")


urlpatterns = [path("events/", events.EventStreamView.as_view(), name="event-list")]
