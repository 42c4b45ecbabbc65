"""Portal pages of pricing: campaign frameworks and local promotions (DOMAIN.md §13)."""

from django.urls import path

from pricing import views

app_name = "pricing"
urlpatterns = [
    path("promotions/", views.promotion_page, name="promotions"),
    path("promotions/preview/", views.promotion_preview, name="preview"),
    path("promotions/<int:pk>/<str:decision>/", views.promotion_decide, name="decide"),
    path("promotions/materials/<int:pk>/", views.material_download, name="material"),
]
