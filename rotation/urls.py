"""Portal pages of stock rotation."""

from django.urls import path

from rotation import views

app_name = "rotation"
urlpatterns = [
    path("stock/transfers/", views.transfer_list, name="transfer_list"),
    path("stock/transfers/<int:pk>/<str:step>/", views.transfer_step, name="transfer_step"),
    path(
        "stock/transfer-suggestions/<int:pk>/propose/",
        views.suggestion_propose,
        name="suggestion_propose",
    ),
    path("stock/transfer-suggestions/", views.region_suggestions, name="region_suggestions_all"),
    path(
        "stock/transfer-suggestions/region/<str:code>/",
        views.region_suggestions,
        name="region_suggestions",
    ),
]
