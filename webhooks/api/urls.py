from webhooks.api import views


def register(router):
    """Webhook endpoints and their deliveries (DOMAIN.md §15)."""
    router.register("webhook-endpoints", views.WebhookEndpointViewSet, basename="webhook-endpoint")


urlpatterns = []
