from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = _("Working together")

    def ready(self):
        from portal.job_runs import register_rerun_task

        register_rerun_task("action_item_reminders", "collaboration.tasks.action_item_reminders")
