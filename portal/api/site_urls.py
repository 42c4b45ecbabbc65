from portal.api import together


def register(router):
    """Site-wide resources (meetings, action items, announcements, notifications)."""
    router.register("meetings", together.MeetingViewSet, basename="meeting")
    router.register("action-items", together.ActionItemViewSet, basename="action-item")
    router.register("announcements", together.AnnouncementViewSet, basename="announcement")
    router.register("notifications", together.NotificationViewSet, basename="notification")


urlpatterns = []
