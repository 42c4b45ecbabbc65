"""Dealer agreements (DOMAIN.md §3.2)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealers.models.dealers import Dealer
from portal.access import TenantManager
from portal.audit import audited_history
from portal.inputs import MAX_LONG_TEXT


class Agreement(models.Model):
    """A dealer's agreement: dates, targets, commission plan, notice and transition."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", pgettext_lazy("agreement status", "active")
        TERMINATING = "terminating", _("terminating")
        ENDED = "ended", _("ended")

    dealer = models.ForeignKey(
        Dealer, verbose_name=_("dealer"), on_delete=models.PROTECT, related_name="agreements"
    )
    number = models.CharField(_("number"), max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    starts_on = models.DateField(_("effective from"))
    ends_on = models.DateField(_("effective until"), null=True, blank=True)
    commission_plan = models.ForeignKey(
        "commissions.CommissionPlan",
        verbose_name=_("commission plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    quarterly_target = models.DecimalField(
        _("quarterly sales target"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    annual_target = models.DecimalField(
        _("annual sales target"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    notice_period_days = models.PositiveIntegerField(_("notice period (days)"), default=90)
    transition_period_days = models.PositiveIntegerField(_("transition period (days)"), default=30)
    terms = models.TextField(_("terms"), blank=True, max_length=MAX_LONG_TEXT)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()
    history = audited_history()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["dealer", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["dealer"],
                condition=models.Q(status="active"),
                name="agreement_one_active_per_dealer",
                violation_error_message=_("This dealer already has an active agreement."),
            ),
            models.CheckConstraint(
                name="agreement_dates_ordered",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.number
