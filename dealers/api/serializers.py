from rest_framework import serializers

from dealers.models import Dealer, Region, Tier
from portal.api.serializers import ScopedSlugRelatedField, ValidatedModelSerializer


class RegionSerializer(ValidatedModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    effective_time_zone = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "name_zh", "kind", "parent", "time_zone", "effective_time_zone"]


class DealerSerializer(ValidatedModelSerializer):
    tier = serializers.SlugRelatedField(slug_field="code", queryset=Tier.objects.all())
    region = ScopedSlugRelatedField(slug_field="code", queryset=Region.objects.all())

    class Meta:
        model = Dealer
        fields = [
            "code",
            "name",
            "credit_code",
            "status",
            "tier",
            "region",
            "currency",
            "contact_name",
            "email",
            "phone",
            "created_at",
        ]
        read_only_fields = ["status", "created_at"]
