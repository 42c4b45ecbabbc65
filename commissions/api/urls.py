def register(router):
    """Register this app's viewsets on the `/api/v1/` router."""


urlpatterns = []
