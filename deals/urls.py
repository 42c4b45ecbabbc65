"""Portal pages of deal registration (DOMAIN.md §12)."""

from django.urls import path

from deals import views

app_name = "deals"
urlpatterns = [
    path("deals/", views.registration_list, name="list"),
    path("deals/new/", views.registration_new, name="new"),
    path("deals/hints/", views.registration_hints, name="hints"),
    path("deals/<int:pk>/", views.registration_detail, name="detail"),
    path("deals/<int:pk>/extension/", views.extension_request, name="extension"),
    path("deals/<int:pk>/close/<str:outcome>/", views.registration_close, name="close"),
    path("deals/<int:pk>/compare/", views.registration_compare, name="compare"),
    path("deals/<int:pk>/decide/<str:decision>/", views.registration_decide, name="decide"),
]
