"""Master data: the region tree, product lines and products."""

from decimal import Decimal
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.audit import audited_history
from portal.clock import manufacturer_tz
from portal.translated_names import TranslatedNameModel

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

    code = models.CharField(
        pgettext_lazy("identifier", "code"), max_length=32, unique=True, validators=[code_validator]
    )
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
        return manufacturer_tz()

    def contains(self, other: "Region") -> bool:
        return other.code == self.code or other.code.startswith(self.code + "-")


class ProductLine(TranslatedNameModel):
    """What a dealer is authorised to sell; territories and products refer to it."""

    code = models.CharField(
        pgettext_lazy("identifier", "code"), max_length=32, unique=True, validators=[code_validator]
    )
    name = models.CharField(_("name"), max_length=100)
    beta = models.BooleanField(
        _("beta"), default=False, help_text=_("Early access for the tiers that have it.")
    )

    history = audited_history()

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["code"]

    # __str__: the name in the active language (TranslatedNameModel)


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
    active = models.BooleanField(pgettext_lazy("enabled", "active"), default=True)

    history = audited_history(table_name="inventory_historicalproduct")

    class Meta:
        db_table = "inventory_product"
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]

    def __str__(self):
        return f"{self.sku} {self.name}"
