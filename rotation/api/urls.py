from rotation.api import views


def register(router):
    """Register this app's viewsets on the `/api/v1/` router."""
    router.register(
        "stock-transfer-suggestions", views.SuggestionViewSet, basename="stock-transfer-suggestion"
    )
    router.register("stock-transfers", views.TransferViewSet, basename="stock-transfer")


urlpatterns: list = []
