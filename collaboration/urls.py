"""Portal pages of working together: announcements, meetings and action items."""

from django.urls import path

from collaboration import views

app_name = "collaboration"
urlpatterns = [
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
]
