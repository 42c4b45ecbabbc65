def register(router):
    """Site-wide resources (announcements, notifications, …) on the `/api/v1/` router."""


urlpatterns = []
