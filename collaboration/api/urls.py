from collaboration.api import views


def register(router):
    """Working together: meetings, action items, announcements."""
    router.register("meetings", views.MeetingViewSet, basename="meeting")
    router.register("action-items", views.ActionItemViewSet, basename="action-item")
    router.register("announcements", views.AnnouncementViewSet, basename="announcement")


urlpatterns = []
