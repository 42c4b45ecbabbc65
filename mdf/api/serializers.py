"""Serializers of `mdf/balance`, `mdf/requests` and `mdf/claims` (DOMAIN.md §14)."""

from rest_framework import serializers

from dealers.models import Region
from mdf.models import Claim, Fund, FundRequest, Movement
from pricing.models import Campaign


class MovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Movement
        fields = [
            "id",
            "kind",
            "amount",
            "available_delta",
            "reserved_delta",
            "available_after",
            "quarter",
            "expires_on",
            "request",
            "claim",
            "reason",
            "created_at",
        ]
        read_only_fields = fields


class BalanceSerializer(serializers.ModelSerializer):
    dealer = serializers.CharField(source="dealer.code")
    accrued = serializers.DecimalField(max_digits=16, decimal_places=2)
    allocated = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid = serializers.DecimalField(max_digits=16, decimal_places=2)
    expired = serializers.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        model = Fund
        fields = [
            "dealer",
            "available",
            "reserved",
            "accrued",
            "allocated",
            "paid",
            "expired",
            "updated_at",
        ]
        read_only_fields = fields


class BalanceDetailSerializer(BalanceSerializer):
    movements = serializers.SerializerMethodField()

    class Meta(BalanceSerializer.Meta):
        fields = [*BalanceSerializer.Meta.fields, "movements"]
        read_only_fields = fields

    def get_movements(self, obj) -> list[dict]:
        if obj.pk is None:  # selectors.fund_empty: no movement yet
            return []
        rows = Movement.objects.filter(fund=obj).order_by("-created_at", "-pk")[:500]
        return MovementSerializer(rows, many=True).data


class AllocateSerializer(serializers.Serializer):
    amount = serializers.CharField()
    reason = serializers.CharField(max_length=500)


class RequestSerializer(serializers.ModelSerializer):
    dealer = serializers.CharField(source="dealer.code")
    regions = serializers.SerializerMethodField()
    campaign = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    claim_deadline = serializers.DateField()

    class Meta:
        model = FundRequest
        fields = [
            "id",
            "dealer",
            "status",
            "activity_type",
            "title",
            "starts_on",
            "ends_on",
            "regions",
            "planned_spend",
            "share",
            "campaign",
            "requested_amount",
            "claim_deadline",
            "submitted_by",
            "submitted_at",
            "manager_approved_label",
            "manager_approved_at",
            "executive_approved_label",
            "executive_approved_at",
            "approved_at",
            "rejected_by",
            "rejected_at",
            "reject_reason",
            "lapsed_at",
        ]
        read_only_fields = fields

    def get_regions(self, obj) -> list[str]:
        return [r.code for r in obj.regions.all()]


class RequestCreateSerializer(serializers.Serializer):
    activity_type = serializers.CharField()
    title = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    regions = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), many=True, required=False
    )
    planned_spend = serializers.CharField()
    share = serializers.CharField(required=False)
    campaign = serializers.SlugRelatedField(
        slug_field="code", queryset=Campaign.objects.all(), required=False, allow_null=True
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ClaimSerializer(serializers.ModelSerializer):
    dealer = serializers.CharField(source="dealer.code")
    proofs = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "request",
            "dealer",
            "status",
            "actual_spend",
            "reimbursable",
            "approved_amount",
            "reason",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "proofs",
        ]
        read_only_fields = fields

    def get_proofs(self, obj) -> list[dict]:
        return [
            {"id": p.pk, "name": p.name, "content_type": p.content_type, "size": p.size}
            for p in obj.proofs.all()
        ]


class ClaimCreateSerializer(serializers.Serializer):
    request = serializers.IntegerField()
    actual_spend = serializers.CharField()
    files = serializers.ListField(child=serializers.FileField(), allow_empty=True, required=False)


class ClaimApproveSerializer(serializers.Serializer):
    amount = serializers.CharField(
        required=False, allow_blank=True, help_text="Default: the reimbursable amount."
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
