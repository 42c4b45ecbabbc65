"""Commissions: plans (DOMAIN.md §6.2). Sale lines and statements build on these."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
