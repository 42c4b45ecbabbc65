"""Serializers of `deal-registrations` (DOMAIN.md §12). A dealer sees its own registrations;
the matches (other dealers' registrations and territories) are shown to staff only."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dealers.models import Dealer, ProductLine, Region
from deals.models import DealMatch, DealRegistration
from portal.access import actor_from
from portal.api.serializers import MoneyField, ScopedSlugRelatedField
from portal.clock import manufacturer_today


class DealMatchSerializer(serializers.ModelSerializer):
    other = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    other_dealer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    territory = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = DealMatch
        fields = ["kind", "reasons", "other", "other_dealer", "territory", "similarity"]
        read_only_fields = fields


class DealRegistrationSerializer(serializers.ModelSerializer):
    dealer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    customer_region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    product_lines = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    estimated_amount = MoneyField(read_only=True)
    customer_email = serializers.CharField(read_only=True, help_text="empty when not given")
    days_left = serializers.SerializerMethodField(
        help_text="Days of protection left after today (0 on the last day); null unless approved."
    )
    matches = serializers.SerializerMethodField(
        help_text="Staff only: what the matching on submit found (empty for dealers)."
    )

    class Meta:
        model = DealRegistration
        fields = [
            "id",
            "number",
            "dealer",
            "status",
            "customer_name",
            "customer_credit_code",
            "customer_region",
            "customer_email",
            "product_lines",
            "estimated_amount",
            "currency",
            "expected_close_on",
            "notes",
            "submitted_at",
            "decided_at",
            "rejection_reason",
            "protected_until",
            "days_left",
            "extension",
            "extension_reason",
            "extension_requested_at",
            "extension_decided_at",
            "closed_at",
            "matches",
        ]
        read_only_fields = fields

    def get_days_left(self, obj) -> int | None:
        return obj.protection_days_left(manufacturer_today())

    @extend_schema_field(DealMatchSerializer(many=True))
    def get_matches(self, obj):
        request = self.context.get("request")
        if request is None or not actor_from(request).manufacturer:
            return []
        return DealMatchSerializer(obj.matches.all(), many=True).data


class DealRegistrationCreateSerializer(serializers.Serializer):
    dealer = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Dealer.objects.all(),
        required=False,
        help_text="dealer code (manufacturer callers; a dealer registers for itself)",
    )
    customer_name = serializers.CharField(max_length=200)
    customer_credit_code = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    customer_region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), help_text="a city or province code"
    )
    customer_email = serializers.CharField(
        max_length=254, required=False, allow_blank=True, default=""
    )
    product_lines = serializers.SlugRelatedField(
        slug_field="code", queryset=ProductLine.objects.all(), many=True, allow_empty=False
    )
    estimated_amount = MoneyField(min_value=0)
    expected_close_on = serializers.DateField()
    notes = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")

    def validate_dealer(self, value):
        request = self.context.get("request")
        if request is not None and not actor_from(request).manufacturer:
            own = actor_from(request).dealer_id
            if value is not None and value.pk != own:
                raise serializers.ValidationError("Unknown dealer.", code="does_not_exist")
        return value


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=10_000)


class ExtendSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=10_000,
        required=False,
        allow_blank=True,
        default="",
        help_text="the dealer's reason for more time",
    )
    grant = serializers.BooleanField(
        required=False,
        default=True,
        help_text="staff: grant (default) or decline the requested extension",
    )
