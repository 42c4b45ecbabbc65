from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConflictsConfig(AppConfig):
    name = "conflicts"
    verbose_name = _("Conflicts")

    def ready(self):
        from portal import events

        # Dotted path: the services are imported on the first event, not at start-up.
        events.subscribe(
            "sales.recorded",
            "conflicts.subscribers.open_channel_conflicts",
            name="conflicts.open_channel_conflicts",
        )
        events.subscribe(
            "deal.status_changed",
            "conflicts.subscribers.open_deal_conflicts",
            name="conflicts.open_deal_conflicts",
        )
