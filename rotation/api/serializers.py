"""Serializers of `stock-transfer-suggestions` and `stock-transfers`. To a dealer the other
dealer (and its warehouse) is named only once both have accepted (DOMAIN.md §16)."""

from rest_framework import serializers

from dealers.models import Product
from inventory.models import Warehouse
from portal.access import actor_from
from rotation.models import StockTransfer, TransferSuggestion


def _viewer(serializer):
    request = serializer.context.get("request")
    return actor_from(request) if request is not None else None


class SuggestionSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code")
    sku = serializers.CharField(source="product.sku")
    source_dealer = serializers.SerializerMethodField()
    destination_dealer = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField(
        help_text="For a dealer: `send` or `receive`; null for staff."
    )

    class Meta:
        model = TransferSuggestion
        fields = [
            "id",
            "province",
            "sku",
            "quantity",
            "role",
            "source_dealer",
            "destination_dealer",
            "min_days_cover",
            "max_days_cover",
            "source_stock",
            "source_daily_sales",
            "source_surplus",
            "destination_stock",
            "destination_daily_sales",
            "destination_need",
            "computed_at",
        ]
        read_only_fields = fields

    def _dealer(self, obj, side) -> str | None:
        viewer = _viewer(self)
        dealer = getattr(obj, f"{side}_dealer")
        if viewer is None or viewer.manufacturer or viewer.dealer_id == dealer.pk:
            return dealer.code
        return None

    def get_source_dealer(self, obj) -> str | None:
        return self._dealer(obj, "source")

    def get_destination_dealer(self, obj) -> str | None:
        return self._dealer(obj, "destination")

    def get_role(self, obj) -> str | None:
        return obj.role_for(_viewer(self))


class TransferSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku")
    source_dealer = serializers.SerializerMethodField()
    destination_dealer = serializers.SerializerMethodField()
    source_warehouse = serializers.SerializerMethodField()
    destination_warehouse = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField(
        help_text="For a dealer: `send` or `receive`; null for staff."
    )

    class Meta:
        model = StockTransfer
        fields = [
            "id",
            "status",
            "sku",
            "quantity",
            "role",
            "source_dealer",
            "source_warehouse",
            "destination_dealer",
            "destination_warehouse",
            "suggestion",
            "note",
            "created_at",
            "source_accepted_at",
            "destination_accepted_at",
            "shipped_at",
            "received_at",
            "cancelled_at",
            "cancel_reason",
        ]
        read_only_fields = fields

    def _named(self, obj, side) -> bool:
        viewer = _viewer(self)
        return (
            viewer is None
            or viewer.manufacturer
            or viewer.dealer_id == getattr(obj, f"{side}_dealer_id")
            or obj.counterparty_visible()
        )

    def get_source_dealer(self, obj) -> str | None:
        return obj.source_dealer.code if self._named(obj, "source") else None

    def get_destination_dealer(self, obj) -> str | None:
        return obj.destination_dealer.code if self._named(obj, "destination") else None

    def get_source_warehouse(self, obj) -> str | None:
        return obj.source_warehouse.code if self._named(obj, "source") else None

    def get_destination_warehouse(self, obj) -> str | None:
        return obj.destination_warehouse.code if self._named(obj, "destination") else None

    def get_role(self, obj) -> str | None:
        return obj.role_for(_viewer(self))


class TransferCreateSerializer(serializers.Serializer):
    sku = serializers.SlugRelatedField(
        slug_field="sku", queryset=Product.objects.all(), source="product"
    )
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    source_warehouse = serializers.SlugRelatedField(
        slug_field="code", queryset=Warehouse.objects.select_related("dealer")
    )
    destination_warehouse = serializers.SlugRelatedField(
        slug_field="code", queryset=Warehouse.objects.select_related("dealer")
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ProposeSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, help_text="Default: the suggested one."
    )


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
