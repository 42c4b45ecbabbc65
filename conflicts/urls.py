"""Portal pages of the conflicts app."""

from django.urls import path

from conflicts import views

app_name = "conflicts"
urlpatterns = [
    path("tickets/", views.ticket_list, name="list"),
    path("tickets/new/", views.ticket_open, name="open"),
    path("tickets/dispute/", views.dispute, name="dispute"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("tickets/<int:pk>/comment/", views.ticket_comment, name="comment"),
    path("tickets/<int:pk>/transition/", views.ticket_transition, name="transition"),
    path(
        "tickets/<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
