"""Serializers of `price-guides`, `campaigns` and `promotions` (DOMAIN.md §13). Products,
product lines and regions are addressed by their codes (SKU for products)."""

from rest_framework import serializers

from dealers.models import Dealer, Product, ProductLine, Region
from portal.api.serializers import DateTimeField, ScopedSlugRelatedField
from pricing.models import Campaign, CampaignMaterial, PriceGuide, Promotion

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 5, "decimal_places": 4}


class PriceGuideSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku")
    region = serializers.CharField(source="region.code", allow_null=True, default=None)
    effective_from = DateTimeField()

    class Meta:
        model = PriceGuide
        fields = [
            "id",
            "sku",
            "region",
            "effective_from",
            "list_price",
            "floor_price",
            "created_at",
            "created_by",
            "protection_booked_at",
        ]
        read_only_fields = fields


class PriceGuideCreateSerializer(serializers.Serializer):
    sku = serializers.SlugRelatedField(
        slug_field="sku", queryset=Product.objects.all(), source="product"
    )
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    effective_from = DateTimeField()
    list_price = serializers.DecimalField(**MONEY)
    floor_price = serializers.DecimalField(**MONEY)


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignMaterial
        fields = ["id", "name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    skus = serializers.SlugRelatedField(
        source="products", slug_field="sku", many=True, read_only=True
    )
    product_lines = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    materials = MaterialSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "code",
            "name",
            "description",
            "skus",
            "product_lines",
            "regions",
            "starts_on",
            "ends_on",
            "min_discount",
            "max_discount",
            "mdf_share",
            "materials",
            "created_at",
        ]
        read_only_fields = fields


class CampaignCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    skus = serializers.SlugRelatedField(
        slug_field="sku",
        queryset=Product.objects.all(),
        many=True,
        required=False,
        source="products",
    )
    product_lines = serializers.SlugRelatedField(
        slug_field="code", queryset=ProductLine.objects.all(), many=True, required=False
    )
    regions = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), many=True
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    min_discount = serializers.DecimalField(**RATE)
    max_discount = serializers.DecimalField(**RATE)
    mdf_share = serializers.DecimalField(**RATE, required=False, allow_null=True)


class MaterialUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class PromotionSerializer(serializers.ModelSerializer):
    dealer = serializers.CharField(source="dealer.code")
    campaign = serializers.CharField(source="campaign.code")
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Promotion
        fields = [
            "id",
            "dealer",
            "campaign",
            "discount",
            "starts_on",
            "ends_on",
            "regions",
            "status",
            "outside",
            "reason",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class PromotionCreateSerializer(serializers.Serializer):
    campaign = serializers.SlugRelatedField(slug_field="code", queryset=Campaign.objects.all())
    dealer = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Dealer.objects.all(),
        required=False,
        help_text="Staff and manufacturer keys only; a dealer submits for itself.",
    )
    discount = serializers.DecimalField(**RATE)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    regions = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), many=True
    )


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)
