"""Site-wide portal pages other than the home page (announcements, notifications, …)."""

app_name = "site"
urlpatterns = []
