"""The monthly sales rollup (dashboards read it instead of scanning sale lines)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.access import TenantManager


class SalesMonth(models.Model):
    """Net sales of a dealer per ship-to region and month (manufacturer time): a rollup of
    :class:`SaleLine` kept by the sales ingestion (increments, in the batch's transaction)
    and rebuilt for the month by every statement run (``commissions.rollup``). Dashboards
    read it instead of scanning the lines."""

    dealer = models.ForeignKey(
        "dealers.Dealer", verbose_name=_("dealer"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "dealers.Region",
        verbose_name=_("ship-to region"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    net_sales = models.DecimalField(
        _("net sales"), max_digits=18, decimal_places=2, default=Decimal("0")
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=18, decimal_places=3, default=Decimal("0")
    )
    line_count = models.PositiveIntegerField(_("sale lines"), default=0)

    objects = TenantManager()

    class Meta:
        verbose_name = _("monthly sales")
        verbose_name_plural = _("monthly sales")
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "region", "month"], name="salesmonth_one_per_dealer_region"
            )
        ]
        indexes = [models.Index(fields=["month"], name="salesmonth_month_idx")]

    def __str__(self):
        return f"{self.dealer_id} {self.region_id} {self.month:%Y-%m}: {self.net_sales}"
