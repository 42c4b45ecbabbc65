from django.urls import path

from inventory.api import views


def register(router):
    """Register this app's viewsets on the `/api/v1/` router."""
    router.register("inventory/levels", views.StockLevelViewSet, basename="stock-level")
    router.register("inventory/regions", views.RegionStockViewSet, basename="stock-region")
    router.register("products", views.ProductViewSet, basename="product")
    router.register("warehouses", views.WarehouseViewSet, basename="warehouse")


urlpatterns = [
    path("inventory/sync/", views.StockSyncView.as_view(), name="inventory-sync"),
    path(
        "inventory/adjustments/", views.StockAdjustmentsView.as_view(), name="inventory-adjustments"
    ),
]
