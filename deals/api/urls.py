from deals.api import views


def register(router):
    """Register this app's viewsets on the `/api/v1/` router."""
    router.register(
        "deal-registrations", views.DealRegistrationViewSet, basename="deal-registration"
    )


urlpatterns: list = []
