from pricing.api import views


def register(router):
    """Register this app's viewsets on the `/api/v1/` router."""
    router.register("price-guides", views.PriceGuideViewSet, basename="price-guide")
    router.register("campaigns", views.CampaignViewSet, basename="campaign")
    router.register("promotions", views.PromotionViewSet, basename="promotion")


urlpatterns: list = []
