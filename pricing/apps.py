from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = _("Pricing")

    def ready(self):
        from portal import events

        # Dotted path: the services are imported on the first event, not at start-up.
        events.subscribe(
            "sales.recorded",
            "pricing.subscribers.check_price_breaches",
            name="pricing.check_price_breaches",
        )
