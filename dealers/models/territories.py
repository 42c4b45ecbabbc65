"""Territories: the right to sell a product line in a region, maybe exclusively."""



from django.db import models
from django.utils.translation import gettext_lazy as _

from dealers.models.dealers import Dealer
from dealers.models.regions import ProductLine, Region
from portal.access import TenantQuerySet
from portal.audit import audited_history


class TerritoryQuerySet(TenantQuerySet):
    def overlapping(self, *, region, product_line_id, starts_on, ends_on):
        """Grants of the product line whose region nests with ``region`` and whose dates meet."""
        regions = models.Q(region__code__in=region.ancestors_and_self_codes()) | models.Q(
            region__code__startswith=region.code + "-"
        )
        qs = self.filter(regions, product_line_id=product_line_id)
        qs = qs.filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=starts_on))
        if ends_on is not None:
            qs = qs.filter(starts_on__lte=ends_on)
        return qs


class Territory(models.Model):
    """The right to sell a product line in a region for a date range, maybe exclusively."""

    dealer = models.ForeignKey(
        Dealer, verbose_name=_("dealer"), on_delete=models.PROTECT, related_name="territories"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="territories"
    )
    product_line = models.ForeignKey(
        ProductLine,
        verbose_name=_("product line"),
        on_delete=models.PROTECT,
        related_name="territories",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    exclusive = models.BooleanField(_("exclusive"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TerritoryQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["dealer", "region", "starts_on"]
        constraints = [
            models.CheckConstraint(
                name="territory_dates_ordered",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self):
        return f"{self.dealer.code} · {self.region.code} · {self.product_line.code}"

    def covers(self, when) -> bool:
        return self.starts_on <= when and (self.ends_on is None or when <= self.ends_on)
