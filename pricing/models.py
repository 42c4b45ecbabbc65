"""Price guidance, campaign frameworks, local promotions, price breaches and price
protection (DOMAIN.md §13).

Writes go through ``pricing.services``; reads through ``pricing.selectors``."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealers.models import code_validator
from portal.access import TenantManager

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {
    "max_digits": 5,
    "decimal_places": 4,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
}


class PriceGuide(models.Model):
    """The list and floor price of a product from an instant on, everywhere or in a region's
    subtree. Never edited: a change is a new row (``pricing.services.price_guide_create``)."""

    product = models.ForeignKey(
        "dealers.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "dealers.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Blank: everywhere. Otherwise the region and everything below it."),
    )
    effective_from = models.DateTimeField(_("effective from"))
    list_price = models.DecimalField(
        pgettext_lazy("price", "list price"), validators=[MinValueValidator(Decimal("0"))], **MONEY
    )
    floor_price = models.DecimalField(
        _("floor price"), validators=[MinValueValidator(Decimal("0"))], **MONEY
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.CharField(_("by"), max_length=200, blank=True)
    protection_booked_at = models.DateTimeField(
        _("price protection booked"),
        null=True,
        blank=True,
        help_text=_("When the price protection of this guide was booked (if it lowers a price)."),
    )

    class Meta:
        verbose_name = _("price guide")
        verbose_name_plural = _("price guides")
        ordering = ["product__sku", "region__code", "-effective_from", "-pk"]
        indexes = [
            models.Index(fields=["product", "effective_from"], name="priceguide_product_idx")
        ]
        constraints = [
            models.CheckConstraint(
                name="priceguide_floor_not_above_list",
                condition=Q(floor_price__lte=models.F("list_price")) & Q(floor_price__gte=0),
                violation_error_message=_("The floor price cannot be above the list price."),
            ),
            models.UniqueConstraint(
                fields=["product", "region", "effective_from"],
                name="priceguide_one_per_instant",
                nulls_distinct=False,
                violation_error_message=_(
                    "This product already has a guide for this region from this instant."
                ),
            ),
        ]

    def __str__(self):
        where = self.region.code if self.region_id else "*"
        return f"{self.product.sku} {where} {self.effective_from:%Y-%m-%d %H:%M}"


class Campaign(models.Model):
    """A campaign framework set by headquarters (总部指导): what may be promoted, where,
    when, and the discount range dealers may choose inside (区域自主)."""

    code = models.CharField(
        pgettext_lazy("identifier", "code"), max_length=32, unique=True, validators=[code_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    products = models.ManyToManyField(
        "dealers.Product", verbose_name=_("products"), blank=True, related_name="+"
    )
    product_lines = models.ManyToManyField(
        "dealers.ProductLine", verbose_name=_("product lines"), blank=True, related_name="+"
    )
    regions = models.ManyToManyField("dealers.Region", verbose_name=_("regions"), related_name="+")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    min_discount = models.DecimalField(_("minimum discount"), **RATE)
    max_discount = models.DecimalField(_("maximum discount"), **RATE)
    mdf_share = models.DecimalField(_("MDF co-funding share"), null=True, blank=True, **RATE)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.CharField(_("by"), max_length=200, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("price", "campaign")
        verbose_name_plural = pgettext_lazy("price", "campaigns")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                name="campaign_dates_ordered",
                condition=Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                name="campaign_discounts_ordered",
                condition=Q(max_discount__gte=models.F("min_discount")),
                violation_error_message=_(
                    "The maximum discount cannot be below the minimum discount."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


def material_path(instance, filename):
    return f"pricing/campaigns/{instance.campaign_id}/{filename}"


class CampaignMaterial(models.Model):
    """A file of a campaign (artwork, price lists): PDF, JPEG or PNG, at most 10 MB."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=pgettext_lazy("price", "campaign"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    file = models.FileField(_("file"), upload_to=material_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.CharField(_("by"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign material")
        verbose_name_plural = _("campaign materials")
        ordering = ["campaign", "pk"]

    def __str__(self):
        return self.name


class Promotion(models.Model):
    """A dealer's local promotion inside a campaign (DOMAIN.md §13): approved at once inside
    every range of the campaign, otherwise pending for the region's channel manager."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("promotion status", "pending")
        APPROVED = "approved", pgettext_lazy("promotion status", "approved")
        REJECTED = "rejected", pgettext_lazy("promotion status", "rejected")

    dealer = models.ForeignKey(
        "dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=pgettext_lazy("price", "campaign"),
        on_delete=models.PROTECT,
        related_name="promotions",
    )
    discount = models.DecimalField(_("discount"), **RATE)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    regions = models.ManyToManyField("dealers.Region", verbose_name=_("regions"), related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    outside = models.JSONField(
        _("outside the campaign's ranges"),
        default=list,
        blank=True,
        help_text=_("Which ranges the promotion leaves (why it waits for approval)."),
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.CharField(_("by"), max_length=200, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = pgettext_lazy("price", "promotion")
        verbose_name_plural = pgettext_lazy("price", "promotions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["dealer", "status"], name="promotion_dealer_idx")]
        constraints = [
            models.CheckConstraint(
                name="promotion_dates_ordered",
                condition=Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.campaign.code} · {self.dealer.code} · {self.discount:.2%}"

    #: what ``outside`` names, for people
    RANGES = {
        "discount": pgettext_lazy("promotion range", "discount range"),
        "dates": pgettext_lazy("promotion range", "dates"),
        "regions": pgettext_lazy("promotion range", "regions"),
    }

    @classmethod
    def range_labels(cls, keys) -> list[str]:
        return [str(cls.RANGES.get(key, key)) for key in keys]

    @property
    def outside_labels(self) -> list[str]:
        return self.range_labels(self.outside)

    @property
    def auto_approved(self) -> bool:
        """Approved at once, inside every range (``promotion_submit`` decides as system)."""
        return self.status == self.Status.APPROVED and self.decided_by == "system"


class PricingTicket(models.Model):
    """The one ``pricing`` ticket of a (dealer, product, month) with breaches (§13)."""

    dealer = models.ForeignKey(
        "dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "dealers.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("Its first day."))
    ticket = models.OneToOneField(
        "conflicts.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="pricing_link",
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("price breach ticket")
        verbose_name_plural = _("price breach tickets")
        ordering = ["-month", "dealer", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "product", "month"], name="pricingticket_one_per_month"
            )
        ]

    def __str__(self):
        return f"{self.dealer.code} {self.product.sku} {self.month:%Y-%m}"


class PriceBreach(models.Model):
    """A sale line sold below its effective floor by more than the tolerance."""

    sale_line = models.OneToOneField(
        "commissions.SaleLine",
        verbose_name=_("sale line"),
        on_delete=models.PROTECT,
        related_name="price_breach",
    )
    dealer = models.ForeignKey(
        "dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT, related_name="+"
    )
    pricing_ticket = models.ForeignKey(
        PricingTicket,
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="breaches",
    )
    guide = models.ForeignKey(
        PriceGuide, verbose_name=_("price guide"), on_delete=models.PROTECT, related_name="+"
    )
    promotion = models.ForeignKey(
        Promotion,
        verbose_name=pgettext_lazy("price", "promotion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=16, decimal_places=4)
    effective_floor = models.DecimalField(_("effective floor"), **MONEY)
    detected_at = models.DateTimeField(_("detected"), default=timezone.now)

    objects = TenantManager()

    class Meta:
        verbose_name = _("price breach")
        verbose_name_plural = _("price breaches")
        ordering = ["-detected_at", "-pk"]

    def __str__(self):
        return f"{self.sale_line_id}: {self.unit_price} < {self.effective_floor}"


class PriceCheck(models.Model):
    """A positive sale line judged against its guide when its batch was recorded: whether
    it sold at or above its effective floor, and whether it was a breach. Price discipline
    (the dashboards) is the share of the month's amounts at or above the floor."""

    sale_line = models.OneToOneField(
        "commissions.SaleLine",
        verbose_name=_("sale line"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="price_check",
    )
    dealer = models.ForeignKey(
        "dealers.Dealer", verbose_name=_("dealer"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "dealers.Region",
        verbose_name=_("ship-to region"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    month = models.DateField(_("month"), help_text=_("Its first day."))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    at_or_above_floor = models.BooleanField(_("at or above floor"))
    breach = models.BooleanField(_("breach"))

    objects = TenantManager()

    class Meta:
        verbose_name = _("price check")
        verbose_name_plural = _("price checks")
        ordering = ["-month", "dealer"]
        indexes = [models.Index(fields=["month", "dealer"], name="pricecheck_month_idx")]

    def __str__(self):
        return f"{self.sale_line_id}"
