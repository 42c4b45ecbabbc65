"""Staff UI for inventory. Quantities are read-only here: levels change only through the
sync services (API, upload), which write the ledger."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.widgets import ForeignKeyWidget
from simple_history.admin import SimpleHistoryAdmin

from dealers.models import Product, ProductLine
from inventory import services
from inventory.models import (
    ReorderRule,
    StockAlert,
    StockLevel,
    StockMovement,
    StockUpload,
    Warehouse,
)
from portal.admin import ReadOnlyAdmin


class ProductResource(resources.ModelResource):
    """Products by SKU, product lines by code (import updates existing SKUs)."""

    product_line = fields.Field(
        column_name="product_line",
        attribute="product_line",
        widget=ForeignKeyWidget(ProductLine, field="code"),
    )

    class Meta:
        model = Product
        import_id_fields = ("sku",)
        fields = ("sku", "name", "product_line", "unit", "list_price", "currency", "active")
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True


@admin.register(Product)
class ProductAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [ProductResource]
    list_display = ("sku", "name", "product_line", "unit", "list_price", "currency", "active")
    list_filter = ("product_line", "active")
    search_fields = ("sku", "name")
    list_select_related = ("product_line",)


@admin.register(Warehouse)
class WarehouseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "dealer", "region", "active", "last_synced_at")
    list_filter = ("active", ("dealer", admin.EmptyFieldListFilter))
    search_fields = ("code", "name", "dealer__code", "dealer__name")
    autocomplete_fields = ("dealer", "region")
    list_select_related = ("dealer", "region")
    readonly_fields = ("last_synced_at", "created_at")


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ("warehouse", "product", "quantity", "as_of", "updated_at")
    list_filter = ("warehouse__region", "product__product_line")
    search_fields = ("warehouse__code", "product__sku", "product__name")
    list_select_related = ("warehouse", "product")
    date_hierarchy = "updated_at"


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "level",
        "kind",
        "delta",
        "quantity_after",
        "as_of",
        "reason",
        "source",
        "request_id",
    )
    list_filter = ("kind",)
    search_fields = ("level__warehouse__code", "level__product__sku", "source", "request_id")
    list_select_related = ("level__warehouse", "level__product")


@admin.register(ReorderRule)
class ReorderRuleAdmin(SimpleHistoryAdmin):
    list_display = ("product", "region", "min_days_cover", "max_days_cover")
    list_filter = ("region",)
    search_fields = ("product__sku", "region__code")
    autocomplete_fields = ("product", "region")
    list_select_related = ("product", "region")


@admin.register(StockAlert)
class StockAlertAdmin(ReadOnlyAdmin):
    list_display = (
        "opened_at",
        "kind",
        "region",
        "product",
        "warehouse",
        "quantity",
        "days_of_cover",
        "resolved_at",
    )
    list_filter = ("kind", ("resolved_at", admin.EmptyFieldListFilter), "region")
    search_fields = ("product__sku", "warehouse__code", "region__code")
    list_select_related = ("region", "product", "warehouse")
    actions = ["evaluate_now"]

    @admin.action(description=_("Evaluate all rules and stale flags now"))
    def evaluate_now(self, request, queryset):
        counts = services.stock_alerts_evaluate_periodic()
        self.message_user(
            request,
            _("Evaluated: %(counts)s")
            % {"counts": ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))},
            messages.SUCCESS,
        )


@admin.register(StockUpload)
class StockUploadAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "filename", "dealer", "uploaded_by", "status", "applied_at")
    list_filter = ("status",)
    exclude = ("items",)
