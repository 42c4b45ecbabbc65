"""Site-wide portal pages of the kernel: the notification centre."""

from django.urls import path

from portal import notification_views as views

app_name = "site"
urlpatterns = [
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/badge/", views.notification_badge, name="notification-badge"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
]
