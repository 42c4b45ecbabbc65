"""Site-wide portal pages other than the home page: notification centre, announcements,
meetings and action items, quarterly reviews."""

from django.urls import path

from dealers import review_views
from portal import collab_views as views

app_name = "site"
urlpatterns = [
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/badge/", views.notification_badge, name="notification-badge"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("announcements/", views.announcement_list, name="announcement-list"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement-detail"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path(
        "meetings/<int:pk>/action-items/",
        views.meeting_add_action_item,
        name="meeting-add-action-item",
    ),
    path("action-items/", views.action_item_list, name="action-item-list"),
    path("action-items/<int:pk>/status/", views.action_item_status, name="action-item-status"),
    path("reviews/", review_views.review_list, name="review-list"),
    path("reviews/<int:pk>/", review_views.review_detail, name="review-detail"),
    path(
        "reviews/<int:pk>/acknowledge/",
        review_views.review_acknowledge_view,
        name="review-acknowledge",
    ),
]
