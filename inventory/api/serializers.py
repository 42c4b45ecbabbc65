from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from dealers.models import Dealer, Product, ProductLine, Region
from inventory.models import StockLevel, Warehouse
from portal.api.serializers import DateTimeField, MoneyField, ValidatedModelSerializer


class ProductSerializer(ValidatedModelSerializer):
    product_line = serializers.SlugRelatedField(
        slug_field="code", queryset=ProductLine.objects.all()
    )
    list_price = MoneyField(required=False)

    class Meta:
        model = Product
        fields = ["sku", "name", "product_line", "unit", "list_price", "currency", "active"]


class WarehouseSerializer(ValidatedModelSerializer):
    dealer = serializers.SlugRelatedField(
        slug_field="code", queryset=Dealer.objects.all(), required=False, allow_null=True
    )
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    stale = serializers.SerializerMethodField()

    class Meta:
        model = Warehouse
        fields = ["code", "name", "dealer", "region", "active", "last_synced_at", "stale"]
        read_only_fields = ["last_synced_at"]

    def get_stale(self, obj) -> bool:
        return obj.is_stale()


# unbound fields that format exactly as the serializer's declared ones
_DATETIME = serializers.DateTimeField()
_QUANTITY = serializers.DecimalField(max_digits=14, decimal_places=3)


class StockLevelSerializer(serializers.ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code")
    sku = serializers.CharField(source="product.sku")
    product_line = serializers.CharField(source="product.product_line.code")
    region = serializers.CharField(source="warehouse.region.code")

    class Meta:
        model = StockLevel
        fields = [
            "id",
            "warehouse",
            "sku",
            "product_line",
            "region",
            "quantity",
            "as_of",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        """The same JSON as the declared fields give, without DRF's per-field machinery
        (the list of levels is read at page size 100 by every ERP poll; issue 13)."""
        warehouse, product = instance.warehouse, instance.product
        return {
            "id": instance.pk,
            "warehouse": warehouse.code,
            "sku": product.sku,
            "product_line": product.product_line.code,
            "region": warehouse.region.code,
            "quantity": _QUANTITY.to_representation(instance.quantity),
            "as_of": None
            if instance.as_of is None
            else _DATETIME.to_representation(instance.as_of),
            "updated_at": _DATETIME.to_representation(instance.updated_at),
        }


class SetItemSerializer(serializers.Serializer):
    """Schema only: the service validates the batch as a whole."""

    warehouse = serializers.CharField()
    sku = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
    as_of = DateTimeField()


class SyncRequestSerializer(serializers.Serializer):
    items = SetItemSerializer(many=True)


class AdjustmentItemSerializer(serializers.Serializer):
    warehouse = serializers.CharField()
    sku = serializers.CharField()
    delta = serializers.DecimalField(max_digits=14, decimal_places=3)
    reason = serializers.CharField(max_length=200)
    expected_quantity = serializers.DecimalField(
        max_digits=14, decimal_places=3, min_value=0, required=False
    )


class AdjustmentRequestSerializer(serializers.Serializer):
    items = AdjustmentItemSerializer(many=True)


class ItemOutcomeSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    warehouse = serializers.CharField()
    sku = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["applied", "stale", "unchanged"])
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)


class CountsSerializer(serializers.Serializer):
    applied = serializers.IntegerField()
    stale = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    total = serializers.IntegerField()


class BatchResultSerializer(serializers.Serializer):
    request_id = serializers.CharField()
    counts = CountsSerializer()
    items = ItemOutcomeSerializer(many=True)


class RegionStockSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    sku = serializers.CharField(source="product.sku")
    product_line = serializers.CharField(source="product.product_line.code")
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3)
    warehouses = serializers.IntegerField()
    sold_28d = serializers.DecimalField(max_digits=16, decimal_places=3)
    avg_daily_sales = serializers.DecimalField(max_digits=16, decimal_places=4)
    days_of_cover = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    min_days_cover = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    max_days_cover = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    status = serializers.ChoiceField(choices=["ok", "low", "over", "no_rule"])


@extend_schema_serializer(many=False)  # the list action answers one object, not an array
class RegionStockListSerializer(serializers.Serializer):
    results = RegionStockSerializer(many=True)


class RegionStockDetailSerializer(serializers.Serializer):
    region = serializers.CharField()
    results = RegionStockSerializer(many=True)
