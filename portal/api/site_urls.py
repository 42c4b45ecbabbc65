from portal.api import notifications


def register(router):
    """Site-wide resources of the kernel: the caller's notifications."""
    router.register("notifications", notifications.NotificationViewSet, basename="notification")


urlpatterns = []
