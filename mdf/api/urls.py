from mdf.api import views


def register(router):
    """Register this app's viewsets on the `/api/v1/` router."""
    router.register("mdf/balance", views.BalanceViewSet, basename="mdf-balance")
    router.register("mdf/requests", views.RequestViewSet, basename="mdf-request")
    router.register("mdf/claims", views.ClaimViewSet, basename="mdf-claim")


urlpatterns: list = []
