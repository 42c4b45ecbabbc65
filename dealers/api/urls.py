from dealers.api import views


def register(router):
    router.register("regions", views.RegionViewSet, basename="region")
    router.register("dealers", views.DealerViewSet, basename="dealer")


urlpatterns = []
