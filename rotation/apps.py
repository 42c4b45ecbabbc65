from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RotationConfig(AppConfig):
    name = "rotation"
    verbose_name = _("Stock rotation")

    def ready(self):
        from portal.job_runs import register_rerun_task

        register_rerun_task("suggest_stock_transfers", "rotation.tasks.suggest_stock_transfers")
