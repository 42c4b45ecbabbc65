"""Portal pages of the inventory app."""

from django.urls import path

from inventory import views

app_name = "inventory"
urlpatterns = [
    path("stock/", views.stock_list, name="stock_list"),
    path("stock/upload/", views.stock_upload, name="stock_upload"),
    path("stock/upload/<int:pk>/", views.stock_upload_preview, name="stock_upload_preview"),
    path("stock/regions/", views.stock_regions, name="stock_regions"),
    path("stock/regions/<str:code>/", views.stock_regions, name="stock_region"),
]
