"""Serializers of quarterly reviews."""

from rest_framework import serializers

from portal.api.serializers import MoneyField
from reviews.models import QuarterlyReview


class QuarterlyReviewSerializer(serializers.ModelSerializer):
    dealer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    net_sales = MoneyField(read_only=True)
    previous_net_sales = MoneyField(read_only=True)
    target = MoneyField(read_only=True)
    finalised_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    acknowledged_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    action_items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = QuarterlyReview
        fields = [
            "id",
            "dealer",
            "quarter",
            "status",
            "net_sales",
            "previous_net_sales",
            "target",
            "attainment",
            "growth",
            "sla_compliance",
            "median_first_response_minutes",
            "median_resolution_minutes",
            "tickets_raised",
            "stock_freshness",
            "certified_staff",
            "satisfaction_score",
            "communication_score",
            "notes",
            "overall_score",
            "computed_at",
            "finalised_at",
            "finalised_by",
            "acknowledged_at",
            "acknowledged_by",
            "dealer_comment",
            "action_items",
        ]
        read_only_fields = [
            f for f in fields if f not in ("satisfaction_score", "communication_score", "notes")
        ]
        extra_kwargs = {
            "satisfaction_score": {"min_value": 1, "max_value": 5},
            "communication_score": {"min_value": 1, "max_value": 5},
        }


class AcknowledgeSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
