from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Quarterly reviews")

    def ready(self):
        from portal.job_runs import register_rerun_task

        register_rerun_task("quarterly_reviews", "reviews.tasks.quarterly_reviews")
