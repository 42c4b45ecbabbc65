from commissions.api import views


def register(router):
    """Register this app's viewsets on the `/api/v1/` router."""
    router.register("sales", views.SaleLineViewSet, basename="sale")
    router.register("commission-plans", views.CommissionPlanViewSet, basename="commission-plan")
    router.register(
        "commission-statements", views.CommissionStatementViewSet, basename="commission-statement"
    )


urlpatterns = []
