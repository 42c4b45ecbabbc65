"""Tiers, dealers and the users who work for them."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dealers.models.regions import Region, code_validator
from portal.access import TenantManager
from portal.audit import audited_history
from portal.clock import manufacturer_date, manufacturer_today
from portal.inputs import MAX_TEXT
from portal.translated_names import TranslatedNameModel


class Tier(TranslatedNameModel):
    """A certification tier (DOMAIN.md §4): requirements and benefits. ``rank`` orders them."""

    code = models.CharField(pgettext_lazy("identifier", "code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    # requirements
    min_certified_users = models.PositiveIntegerField(_("minimum certified users"), default=0)
    min_trailing_sales = models.DecimalField(
        _("minimum trailing-four-quarter net sales"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0.00"),
    )
    min_score = models.DecimalField(
        _("minimum SLA-compliance or review score"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_("0–100."),
    )
    # benefits
    priority_support = models.BooleanField(_("priority support"), default=False)
    early_access = models.BooleanField(_("early access to beta products"), default=False)
    named_contact = models.BooleanField(_("named support contact"), default=False)
    description = models.TextField(_("description"), blank=True, max_length=MAX_TEXT)

    history = audited_history()

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["rank"]

    # __str__: the name in the active language (TranslatedNameModel)


class Dealer(models.Model):
    """A dealer company. ``code`` is its identifier in URLs and the API."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("dealer status", "active")
        SUSPENDED = "suspended", _("suspended")
        TERMINATING = "terminating", _("terminating")
        TERMINATED = "terminated", _("terminated")

    code = models.CharField(
        pgettext_lazy("identifier", "code"), max_length=32, unique=True, validators=[code_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    tier = models.ForeignKey(
        Tier, verbose_name=_("tier"), on_delete=models.PROTECT, related_name="dealers"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("home region"),
        on_delete=models.PROTECT,
        related_name="dealers",
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    support_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named support contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supported_dealers",
    )
    status_changed_at = models.DateTimeField(
        pgettext_lazy("timestamp", "status changed"), null=True, blank=True
    )
    notice_ends_on = models.DateField(_("notice ends on"), null=True, blank=True)
    transition_ends_on = models.DateField(_("transition ends on"), null=True, blank=True)
    active_since = models.DateField(
        _("active since"),
        null=True,
        blank=True,
        help_text=_(
            "For a dealer imported with its history: the day it became your dealer. It then "
            "counts as active (quarterly reviews, bonuses) from that day, even before its "
            "first agreement recorded here."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()
    tenant_field = "pk"
    history = audited_history()

    class Meta:
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code="") & ~models.Q(status="terminated"),
                name="dealer_credit_code_unique_live",
                violation_error_message=_("An active dealer already has this credit code."),
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def can_write(self) -> bool:
        """Whether the dealer's users and keys may change data (DOMAIN.md §3.3).

        Active dealers and dealers within their notice period may; suspended and terminated
        dealers, and terminating dealers past the end of notice (the transition), may not.
        The kernel asks this (``portal.api.permissions``) without importing the app."""
        if self.status == Dealer.Status.ACTIVE:
            return True
        if self.status == Dealer.Status.TERMINATING:
            return self.notice_ends_on is None or manufacturer_today() <= self.notice_ends_on
        return False

    def read_only_message(self) -> str:
        """Why the dealer may not write, in the active language: its state and since when
        (dates in the manufacturer's calendar). The one wording for the portal and API."""
        values = {
            "state": self.get_status_display(),
            "since": (
                manufacturer_date(self.status_changed_at).isoformat()
                if self.status_changed_at
                else "—"
            ),
        }
        if self.status == Dealer.Status.TERMINATING and self.notice_ends_on:
            values["notice"] = self.notice_ends_on.isoformat()
            values["transition"] = (self.transition_ends_on or self.notice_ends_on).isoformat()
            return (
                gettext(
                    "Your dealer account is terminating since %(since)s: its notice period "
                    "ended on %(notice)s, and it is read-only until the transition period "
                    "ends on %(transition)s."
                )
                % values
            )
        return gettext("Your dealer account is %(state)s since %(since)s: it is read-only.") % values

class DealerMembership(models.Model):
    """Links a user to the one dealer it works for, with the user's role there. The role
    decides which areas of the portal the user opens and which e-mails it gets
    (``portal.access.DEALER_AREAS``)."""

    class Role(models.TextChoices):
        OWNER = "owner", pgettext_lazy("dealer role", "owner")
        FINANCE = "finance", pgettext_lazy("dealer role", "finance")
        SALES = "sales", pgettext_lazy("dealer role", "sales")
        STOCK = "stock", pgettext_lazy("dealer role", "stock")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    dealer = models.ForeignKey(
        Dealer, verbose_name=_("dealer"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.SALES)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()
    history = audited_history()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["dealer", "user"]

    def __str__(self):
        return f"{self.user} @ {self.dealer.code} ({self.role})"
