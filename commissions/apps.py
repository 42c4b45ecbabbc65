from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionsConfig(AppConfig):
    name = "commissions"
    verbose_name = _("Commissions")

    def ready(self):
        from commissions.selectors import net_sales_by_dealer
        from dealers.selectors import net_sales_source_register

        # Tier evaluation (dealers, §4) counts the sales this app records.
        net_sales_source_register(net_sales_by_dealer)
