"""Portal pages of the webhooks: a dealer's (or, for staff, the manufacturer's) endpoints."""

from django.urls import path

from webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("webhooks/", views.endpoint_list, name="endpoint-list"),
    path("webhooks/<int:pk>/rotate/", views.endpoint_rotate, name="endpoint-rotate"),
    path("webhooks/<int:pk>/toggle/", views.endpoint_toggle, name="endpoint-toggle"),
]
