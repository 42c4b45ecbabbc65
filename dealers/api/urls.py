from dealers.api import views


def register(router):
    router.register("regions", views.RegionViewSet, basename="region")
    router.register("dealers", views.DealerViewSet, basename="dealer")
    from dealers.api.review_views import QuarterlyReviewViewSet  # quarterly reviews (together)

    router.register("reviews", QuarterlyReviewViewSet, basename="review")


urlpatterns = []
