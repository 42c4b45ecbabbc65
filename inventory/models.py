"""Inventory (DOMAIN.md §5): warehouses, stock levels and their append-only
ledger, reorder rules and alerts, and uploads (products are master data in ``dealers``).

Writes go through ``inventory.services``; reads through ``inventory.selectors``."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealers.models import Product, code_validator
from portal.access import TenantManager, TenantQuerySet
from portal.audit import audited_history


class WarehouseQuerySet(TenantQuerySet):
    def stale(self, *, now=None):
        """Active warehouses not synced within ``STALE_AFTER`` (never synced counts)."""
        now = now or timezone.now()
        return self.filter(active=True).filter(
            models.Q(last_synced_at__isnull=True) | models.Q(last_synced_at__lt=now - STALE_AFTER)
        )


#: a warehouse not synced for this long is flagged "stale data" (DOMAIN.md §5.3)
STALE_AFTER = timedelta(days=7)


class Warehouse(models.Model):
    """Where stock is held: a dealer's warehouse, or the manufacturer's (no dealer)."""

    code = models.CharField(
        pgettext_lazy("identifier", "code"), max_length=32, unique=True, validators=[code_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("owner dealer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warehouses",
        help_text=_("Blank: a manufacturer warehouse."),
    )
    region = models.ForeignKey(
        "dealers.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="warehouses",
    )
    active = models.BooleanField(pgettext_lazy("enabled", "active"), default=True)
    last_synced_at = models.DateTimeField(_("last synced"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = WarehouseQuerySet.as_manager()
    history = audited_history(excluded_fields=["last_synced_at"])

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_manufacturer(self) -> bool:
        return self.dealer_id is None

    def is_stale(self, now=None) -> bool:
        now = now or timezone.now()
        return self.last_synced_at is None or self.last_synced_at < now - STALE_AFTER


class StockLevelQuerySet(TenantQuerySet):
    pass


class StockLevel(models.Model):
    """The quantity of one product in one warehouse. Changed only by ``inventory.services``,
    which writes a :class:`StockMovement` for every change (the ledger)."""

    warehouse = models.ForeignKey(
        Warehouse,
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="levels",
        db_index=False,  # the unique (warehouse, product) constraint's index serves it
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="stock_levels"
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, default=Decimal("0")
    )
    as_of = models.DateTimeField(
        _("as of"),
        null=True,
        blank=True,
        help_text=_("Time of the last applied absolute count; blank when only ever adjusted."),
    )
    # Not indexed: an index on a column every sync writes would prevent HOT updates of the
    # levels (docs/SCALING.md); "updated since" filters go with a warehouse or a dealer.
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = StockLevelQuerySet.as_manager()
    tenant_field = "warehouse__dealer"

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["warehouse", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "product"],
                name="stocklevel_one_per_warehouse_product",
                violation_error_message=_("This warehouse already has a level for this product."),
            ),
            models.CheckConstraint(
                name="stocklevel_quantity_not_negative",
                condition=models.Q(quantity__gte=0),
                violation_error_message=_("A stock quantity cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.warehouse.code} · {self.product.sku}: {self.quantity}"


class StockMovement(models.Model):
    """One change of a level (append-only). For every level, the deltas add up to its
    quantity; ``check_stock_ledger`` verifies it."""

    class Kind(models.TextChoices):
        SET = "set", _("absolute count")
        ADJUST = "adjust", _("adjustment")
        TRANSFER_OUT = "transfer_out", _("transfer out")
        TRANSFER_IN = "transfer_in", _("transfer in")

    level = models.ForeignKey(
        StockLevel,
        verbose_name=pgettext_lazy("stock level", "level"),
        on_delete=models.PROTECT,
        related_name="movements",
        db_index=False,  # movement_level_idx (level, created_at) serves it
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    delta = models.DecimalField(_("delta"), max_digits=14, decimal_places=3)
    quantity_after = models.DecimalField(_("quantity after"), max_digits=14, decimal_places=3)
    as_of = models.DateTimeField(_("as of"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=200, help_text=_("user:…, api-key:… or upload:…")
    )
    # Not indexed: nothing looks movements up by request id (the admin's search is a
    # substring search, which a b-tree index does not serve).
    request_id = models.CharField(_("request id"), max_length=64)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = TenantManager()
    tenant_field = "level__warehouse__dealer"

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["level", "created_at"], name="movement_level_idx")]

    def __str__(self):
        return f"{self.level_id} {self.kind} {self.delta:+}"


class ReorderRule(models.Model):
    """Target days of cover for a product in a region (its whole subtree, DOMAIN.md §5.3)."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="reorder_rules"
    )
    region = models.ForeignKey(
        "dealers.Region",
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        related_name="reorder_rules",
    )
    min_days_cover = models.DecimalField(
        _("minimum days of cover"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    max_days_cover = models.DecimalField(
        _("maximum days of cover"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    history = audited_history()

    class Meta:
        verbose_name = _("reorder rule")
        verbose_name_plural = _("reorder rules")
        ordering = ["region", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "region"],
                name="reorderrule_one_per_product_region",
                violation_error_message=_("This product already has a rule for this region."),
            ),
            models.CheckConstraint(
                name="reorderrule_min_below_max",
                condition=models.Q(min_days_cover__lte=models.F("max_days_cover")),
                violation_error_message=_("The minimum days of cover cannot exceed the maximum."),
            ),
        ]

    def __str__(self):
        return (
            f"{self.product.sku} @ {self.region.code}: {self.min_days_cover}–{self.max_days_cover}"
        )


class StockAlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class StockAlert(models.Model):
    """Low or over stock for a product in a region, or stale data for a warehouse.

    Opened once (a partial unique constraint) and resolved by the evaluation when the
    condition no longer holds."""

    class Kind(models.TextChoices):
        LOW = "low", _("low stock")
        OVER = "over", _("overstock")
        STALE = "stale_data", _("stale data")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    region = models.ForeignKey(
        "dealers.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stock_alerts",
    )
    warehouse = models.ForeignKey(
        Warehouse,
        verbose_name=_("warehouse"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    days_of_cover = models.DecimalField(
        _("days of cover"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    opened_at = models.DateTimeField(pgettext_lazy("stock alert", "opened"), default=timezone.now)
    resolved_at = models.DateTimeField(
        pgettext_lazy("stock alert", "resolved"), null=True, blank=True
    )

    objects = StockAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock alert")
        verbose_name_plural = _("stock alerts")
        ordering = ["-opened_at", "-pk"]
        indexes = [
            # open alerts by region (dashboards' counts, a dealer's regional alerts)
            models.Index(
                fields=["region", "kind"],
                condition=models.Q(resolved_at__isnull=True),
                name="stockalert_open_region_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "product", "region"],
                condition=models.Q(resolved_at__isnull=True, product__isnull=False),
                name="stockalert_open_once_per_product_region",
            ),
            models.UniqueConstraint(
                fields=["kind", "warehouse"],
                condition=models.Q(resolved_at__isnull=True, warehouse__isnull=False),
                name="stockalert_open_once_per_warehouse",
            ),
            models.CheckConstraint(
                name="stockalert_subject_matches_kind",
                condition=(
                    models.Q(kind="stale_data", warehouse__isnull=False, product__isnull=True)
                    | (
                        models.Q(kind__in=["low", "over"])
                        & models.Q(product__isnull=False, warehouse__isnull=True)
                    )
                ),
            ),
        ]

    def __str__(self):
        subject = self.warehouse.code if self.warehouse_id else self.product.sku
        return f"{self.get_kind_display()} · {subject} · {self.region.code}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class StockUpload(models.Model):
    """A parsed CSV/XLSX upload between its preview and its confirmation: confirming applies
    exactly the items stored here (not the file again)."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("preview")
        APPLIED = "applied", _("applied")

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stock_uploads",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="stock_uploads",
    )
    filename = models.CharField(_("file name"), max_length=200)
    items = models.JSONField(_("items"), default=list)
    rows = models.JSONField(_("row numbers"), default=list)
    errors = models.JSONField(_("errors"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("stock upload")
        verbose_name_plural = _("stock uploads")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"
