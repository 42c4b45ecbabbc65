"""Commissions: plans (DOMAIN.md §6.2). Sale lines and statements build on these."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.access import TenantManager
from portal.audit import audited_history

RATE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class CommissionPlan(models.Model):
    """How a dealer's month of net sales becomes commission."""

    class StepMode(models.TextChoices):
        WHOLE = "whole", _("whole month at the highest step reached")
        MARGINAL = "marginal", _("marginal, like tax brackets")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    base_rate = models.DecimalField(
        _("base rate"), max_digits=5, decimal_places=4, validators=RATE_VALIDATORS
    )
    step_mode = models.CharField(
        _("step mode"), max_length=10, choices=StepMode.choices, default=StepMode.WHOLE
    )
    quarter_bonus_rate = models.DecimalField(
        _("quarter bonus rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=RATE_VALIDATORS,
    )
    annual_bonus_months = models.DecimalField(
        _("annual bonus months"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    active = models.BooleanField(_("active"), default=True)

    history = audited_history()

    class Meta:
        verbose_name = _("commission plan")
        verbose_name_plural = _("commission plans")
        ordering = ["code"]

    def __str__(self):
        return self.name


class SaleLine(models.Model):
    """One reported sale (DOMAIN.md §6.1). Returns are lines with negative quantity and amount.

    Lines are facts reported by dealers: they are never edited or deleted; a correction is a
    new line (a return)."""

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="sale_lines",
    )
    external_id = models.CharField(_("external id"), max_length=100)
    product = models.ForeignKey(
        "inventory.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="sale_lines",
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    amount = models.DecimalField(_("amount (net of tax)"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    sold_at = models.DateTimeField(_("sold at"))
    ship_to_region = models.ForeignKey(
        "dealers.Region",
        verbose_name=_("ship-to region"),
        on_delete=models.PROTECT,
        related_name="sale_lines",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("sale line")
        verbose_name_plural = _("sale lines")
        ordering = ["-sold_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "external_id"],
                name="saleline_external_id_unique_per_dealer",
                violation_error_message=_(
                    "This dealer already reported a line with this external id."
                ),
            ),
            models.CheckConstraint(
                name="saleline_sign_consistent",
                condition=models.Q(quantity__gte=0, amount__gte=0)
                | models.Q(quantity__lte=0, amount__lte=0),
                violation_error_message=_(
                    "A return has a negative quantity and a negative amount."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["dealer", "sold_at"], name="saleline_dealer_sold_idx"),
            models.Index(fields=["sold_at"], name="saleline_sold_idx"),
        ]

    def __str__(self):
        return f"{self.dealer_id}:{self.external_id}"
