from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from portal import events

        # One subscriber per topic (a subscriber name is for one topic): each event becomes
        # one delivery per matching endpoint, in the subscriber's transaction.
        for topic in events.TOPICS:
            events.subscribe(
                topic, "webhooks.services.deliveries.deliveries_create", name=f"webhooks.{topic}"
            )
