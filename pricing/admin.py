"""Staff UI of pricing: every write goes through ``pricing.services``. Guides are never
edited (a change is a new guide) and import row by row through the same service."""

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.widgets import ForeignKeyWidget, Widget

from dealers.models import Product, Region
from portal.admin import ReadOnlyAdmin, ReadOnlyInline
from portal.clock import manufacturer_zone
from pricing import services
from pricing.models import (
    Campaign,
    CampaignMaterial,
    PriceBreach,
    PriceGuide,
    PricingTicket,
    Promotion,
)


class InstantWidget(Widget):
    """ISO 8601 with an offset (``2027-01-10T00:00:00+08:00``); a time without an offset is
    in the manufacturer's zone. Exported in the manufacturer's zone."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            instant = value
        else:
            try:
                instant = dt.datetime.fromisoformat(str(value).strip())
            except ValueError:
                message = _("Enter a date and time such as 2027-01-10T00:00:00+08:00.")
                raise ValueError(message) from None
        if timezone.is_naive(instant):
            instant = instant.replace(tzinfo=manufacturer_zone())
        return instant

    def render(self, value, obj=None, **kwargs):
        return value.astimezone(manufacturer_zone()).isoformat() if value else ""


class PriceGuideResource(resources.ModelResource):
    """Guides by SKU and region code (blank: everywhere). Importing creates new guides
    through :func:`pricing.services.price_guide_create` (never back in time); a row equal to
    an existing guide is skipped, a different one for the same instant is an error."""

    product = fields.Field(
        column_name="sku", attribute="product", widget=ForeignKeyWidget(Product, field="sku")
    )
    region = fields.Field(
        column_name="region", attribute="region", widget=ForeignKeyWidget(Region, field="code")
    )
    effective_from = fields.Field(
        column_name="effective_from", attribute="effective_from", widget=InstantWidget()
    )

    class Meta:
        model = PriceGuide
        fields = ("product", "region", "effective_from", "list_price", "floor_price")
        import_id_fields = ("product", "region", "effective_from")
        skip_unchanged = True
        report_skipped = True

    def save_instance(self, instance, is_create, row, **kwargs):
        if not is_create:
            raise ValidationError(
                _("Price guides are never edited: a change is a new guide from a later time.")
            )
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        try:
            guide = services.price_guide_create(
                actor=kwargs.get("user"),
                product=instance.product,
                region=instance.region,
                effective_from=instance.effective_from,
                list_price=instance.list_price,
                floor_price=instance.floor_price,
            )
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from None
        instance.pk = guide.pk


@admin.register(PriceGuide)
class PriceGuideAdmin(ImportExportModelAdmin):
    resource_classes = [PriceGuideResource]
    list_display = (
        "product",
        "region",
        "effective_from",
        "list_price",
        "floor_price",
        "protection_booked_at",
    )
    list_filter = ("region", "product__product_line")
    search_fields = ("product__sku", "product__name", "region__code")
    autocomplete_fields = ("product", "region")
    list_select_related = ("product", "region")
    date_hierarchy = "effective_from"
    readonly_fields = ("created_at", "created_by", "protection_booked_at")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        guide = services.price_guide_create(
            actor=request.user,
            product=obj.product,
            region=obj.region,
            effective_from=obj.effective_from,
            list_price=obj.list_price,
            floor_price=obj.floor_price,
        )
        obj.pk = guide.pk

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        admin_form = self

        class ServiceForm(form):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    admin_form._check(request, self.instance)
                except ValidationError as exc:
                    self.add_error(None, exc)

        return ServiceForm

    def _check(self, request, obj):
        """Run the service's rules in a rolled-back savepoint so the form shows them."""
        try:
            with transaction.atomic():
                self.save_model(request, obj, None, False)
                transaction.set_rollback(True)
        finally:
            obj.pk = None


class MaterialInline(ReadOnlyInline):
    model = CampaignMaterial
    fields = ("name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    show_change_link = False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "starts_on", "ends_on", "min_discount", "max_discount")
    search_fields = ("code", "name")
    list_filter = ("regions",)
    filter_horizontal = ("products", "product_lines", "regions")
    inlines = [MaterialInline]
    readonly_fields = ("created_at", "created_by")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # the frame dealers promoted in stays as it was announced
        return (
            "code",
            "products",
            "product_lines",
            "regions",
            "starts_on",
            "ends_on",
            "min_discount",
            "max_discount",
            "mdf_share",
            *self.readonly_fields,
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name", "description"])
            return
        data = form.cleaned_data
        created = services.campaign_create(
            actor=request.user,
            code=data["code"],
            name=data["name"],
            description=data.get("description", ""),
            regions=data["regions"],
            products=data.get("products") or [],
            product_lines=data.get("product_lines") or [],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            min_discount=data["min_discount"],
            max_discount=data["max_discount"],
            mdf_share=data.get("mdf_share"),
        )
        obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)


@admin.register(Promotion)
class PromotionAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "dealer", "discount", "starts_on", "ends_on", "status")
    list_filter = ("status", "campaign")
    search_fields = ("dealer__code", "dealer__name", "campaign__code")
    list_select_related = ("campaign", "dealer")
    actions = ["approve"]

    @admin.action(description=_("Approve the selected pending promotions"))
    def approve(self, request, queryset):
        done = 0
        for promotion in queryset.filter(status=Promotion.Status.PENDING):
            try:
                services.promotion_decide(actor=request.user, promotion=promotion, approve=True)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, str(exc), messages.ERROR)
        self.message_user(request, _("%(n)d promotions approved.") % {"n": done})


@admin.register(PricingTicket)
class PricingTicketAdmin(ReadOnlyAdmin):
    list_display = ("month", "dealer", "product", "ticket")
    list_filter = ("month",)
    search_fields = ("dealer__code", "product__sku")
    list_select_related = ("dealer", "product", "ticket")


@admin.register(PriceBreach)
class PriceBreachAdmin(ReadOnlyAdmin):
    list_display = ("detected_at", "dealer", "sale_line", "unit_price", "effective_floor")
    search_fields = ("dealer__code", "sale_line__external_id")
    list_select_related = ("dealer", "sale_line")
