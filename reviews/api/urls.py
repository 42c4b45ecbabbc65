from reviews.api.views import QuarterlyReviewViewSet


def register(router):
    router.register("reviews", QuarterlyReviewViewSet, basename="review")


urlpatterns = []
