from dealers.api import views


def register(router):
    router.register("regions", views.RegionViewSet, basename="region")
    router.register("dealers", views.DealerViewSet, basename="dealer")
    router.register("tiers", views.TierViewSet, basename="tier")
    router.register("territories", views.TerritoryViewSet, basename="territory")
    router.register("agreements", views.AgreementViewSet, basename="agreement")
    router.register("certifications", views.CertificationViewSet, basename="certification")
    router.register("applications", views.ApplicationViewSet, basename="application")


urlpatterns = []
