"""Dealers: regions, product lines, tiers, dealers, memberships, territories, agreements.

The rules are DOMAIN.md §2–4. Writes go through ``dealers.services``.
"""

from decimal import Decimal
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.access import TenantManager, TenantQuerySet
from portal.audit import audited_history
from portal.clock import manufacturer_today

code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]*$", _("Use capital letters, digits and hyphens."), code="invalid_code"
)


class RegionQuerySet(models.QuerySet):
    def subtree_of(self, region: "Region"):
        """The region and everything below it (codes nest: CN, CN-GD, CN-GD-SZ)."""
        return self.filter(models.Q(pk=region.pk) | models.Q(code__startswith=region.code + "-"))


class Region(models.Model):
    """A node of the region tree: country → province → city, with nesting codes."""

    class Kind(models.TextChoices):
        COUNTRY = "country", _("country")
        PROVINCE = "province", _("province")
        CITY = "city", _("city")

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("IANA name, e.g. Asia/Shanghai. Blank: inherited from the parent."),
    )

    channel_managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("channel managers"),
        blank=True,
        related_name="managed_regions",
        help_text=_(
            "Staff notified of this region's alerts and escalations (and of its subregions')."
        ),
    )

    objects = RegionQuerySet.as_manager()
    history = audited_history(m2m_fields=[])

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name_zh or self.name}"

    def clean(self):
        if self.time_zone and self.time_zone not in available_timezones():
            raise ValidationError(
                {"time_zone": ValidationError(_("Unknown time zone."), code="invalid")}
            )
        if self.parent_id:
            if not self.code.startswith(self.parent.code + "-"):
                raise ValidationError(
                    {
                        "code": ValidationError(
                            _("A region's code starts with its parent's code and a hyphen."),
                            code="invalid_code",
                        )
                    }
                )
        elif self.code and "-" in self.code:
            raise ValidationError(
                {"parent": ValidationError(_("This region needs a parent."), code="required")}
            )

    def ancestors_and_self_codes(self) -> list[str]:
        """CN-GD-SZ → [CN, CN-GD, CN-GD-SZ], without a query."""
        parts = self.code.split("-")
        return ["-".join(parts[: i + 1]) for i in range(len(parts))]

    @property
    def effective_time_zone(self) -> str:
        region = self
        while region is not None:
            if region.time_zone:
                return region.time_zone
            region = region.parent
        return settings.MANUFACTURER_TIME_ZONE

    def contains(self, other: "Region") -> bool:
        return other.code == self.code or other.code.startswith(self.code + "-")


class ProductLine(models.Model):
    """What a dealer is authorised to sell; territories and products refer to it."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    beta = models.BooleanField(
        _("beta"), default=False, help_text=_("Early access for the tiers that have it.")
    )

    history = audited_history()

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Product(models.Model):
    """A sellable item, addressed by its SKU (master data: stock, sales and prices refer to it).

    Created by the inventory app; the table keeps its name ``inventory_product``."""

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    product_line = models.ForeignKey(
        ProductLine,
        verbose_name=_("product line"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    list_price = models.DecimalField(
        _("list price"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    active = models.BooleanField(_("active"), default=True)

    history = audited_history(table_name="inventory_historicalproduct")

    class Meta:
        db_table = "inventory_product"
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]

    def __str__(self):
        return f"{self.sku} {self.name}"


class Tier(models.Model):
    """A certification tier (DOMAIN.md §4): requirements and benefits. ``rank`` orders them."""

    code = models.CharField(_("code"), max_length=32, unique=True)
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
    description = models.TextField(_("description"), blank=True)

    history = audited_history()

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["rank"]

    def __str__(self):
        return self.name


class Dealer(models.Model):
    """A dealer company. ``code`` is its identifier in URLs and the API."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        TERMINATING = "terminating", _("terminating")
        TERMINATED = "terminated", _("terminated")

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
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
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    notice_ends_on = models.DateField(_("notice ends on"), null=True, blank=True)
    transition_ends_on = models.DateField(_("transition ends on"), null=True, blank=True)
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


class DealerMembership(models.Model):
    """Links a user to the one dealer it works for."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        MEMBER = "member", _("member")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    dealer = models.ForeignKey(
        Dealer, verbose_name=_("dealer"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()
    history = audited_history()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["dealer", "user"]

    def __str__(self):
        return f"{self.user} @ {self.dealer.code} ({self.role})"


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


class Agreement(models.Model):
    """A dealer's agreement: dates, targets, commission plan, notice and transition."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")
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
    terms = models.TextField(_("terms"), blank=True)
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


# Further models live in their own modules; importing them here registers them.
from dealers.application_models import Application, ApplicationDocument  # noqa: E402
from dealers.certification_models import (  # noqa: E402
    Certification,
    CertificationProgram,
    TierChange,
    TierEvaluation,
)

__all__ = [
    "Agreement",
    "Application",
    "ApplicationDocument",
    "Certification",
    "CertificationProgram",
    "Dealer",
    "DealerMembership",
    "ProductLine",
    "Region",
    "Territory",
    "Tier",
    "TierChange",
    "TierEvaluation",
]


