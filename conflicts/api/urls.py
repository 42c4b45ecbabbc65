from conflicts.api.views import TicketViewSet


def register(router):
    """Register this app's viewsets on the `/api/v1/` router."""
    router.register("tickets", TicketViewSet, basename="ticket")


urlpatterns = []
