from rest_framework import serializers

from commissions.models import (
    CommissionPlan,
    CommissionStatement,
    PlanStep,
    PlanTierBonus,
    SaleLine,
    StatementComponent,
)
from dealers.models import Tier
from portal.api.serializers import DateTimeField, MoneyField, ValidatedModelSerializer
from portal.inputs import MAX_TEXT


class SaleLineSerializer(serializers.ModelSerializer):
    dealer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sku = serializers.CharField(source="product.sku", read_only=True)
    ship_to_region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    amount = MoneyField(read_only=True)
    deal = serializers.SlugRelatedField(
        slug_field="number",
        read_only=True,
        allow_null=True,
        help_text="the dealer's deal registration the line names (DOMAIN.md §12)",
    )

    class Meta:
        model = SaleLine
        fields = [
            "id",
            "dealer",
            "external_id",
            "sku",
            "quantity",
            "amount",
            "currency",
            "sold_at",
            "ship_to_region",
            "deal",
            "reported_at",
            "source",
        ]
        read_only_fields = fields


class SaleLineInSerializer(serializers.Serializer):
    """One reported line (documentation of the batch; validation is the service's)."""

    dealer = serializers.CharField(
        max_length=32, required=False, help_text="dealer code (manufacturer keys)"
    )
    external_id = serializers.CharField(max_length=100)
    sku = serializers.CharField(max_length=64)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    amount = MoneyField()
    currency = serializers.CharField(max_length=3, required=False)
    sold_at = DateTimeField()
    ship_to_region = serializers.CharField(max_length=32)
    deal = serializers.CharField(
        max_length=20,
        required=False,
        help_text="a deal registration number of the line's dealer that protected the sale "
        "on its date (else `deal_not_protected`)",
    )


class SaleBatchSerializer(serializers.Serializer):
    """The request's envelope; each line is checked by the service, which reports every
    error of the batch at once (``lines.3.sku``)."""

    lines = serializers.ListField(child=serializers.DictField(), allow_empty=False)


class SaleBatchSchemaSerializer(serializers.Serializer):
    """The batch as the OpenAPI document shows it: the fields of each line."""

    lines = SaleLineInSerializer(many=True)


class SaleBatchItemSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="position of the line in the request")
    external_id = serializers.CharField(max_length=100)
    outcome = serializers.ChoiceField(choices=["created", "duplicate", "new"])
    id = serializers.IntegerField(allow_null=True, help_text="the sale line (null: validate only)")


class SaleBatchResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    lines = SaleBatchItemSerializer(many=True)


class PlanStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanStep
        fields = ["threshold", "rate"]


class PlanTierBonusSerializer(serializers.ModelSerializer):
    tier = serializers.SlugRelatedField(slug_field="code", queryset=Tier.objects.all())

    class Meta:
        model = PlanTierBonus
        fields = ["tier", "rate"]


class CommissionPlanSerializer(ValidatedModelSerializer):
    steps = PlanStepSerializer(many=True, required=False)
    tier_bonuses = PlanTierBonusSerializer(many=True, required=False)

    class Meta:
        model = CommissionPlan
        fields = [
            "code",
            "name",
            "base_rate",
            "step_mode",
            "steps",
            "tier_bonuses",
            "quarter_bonus_rate",
            "annual_bonus_months",
            "active",
        ]


class StatementComponentSerializer(serializers.ModelSerializer):
    amount = MoneyField(read_only=True)
    sale_line = serializers.SlugRelatedField(
        slug_field="external_id", read_only=True, allow_null=True
    )
    dispute_url = serializers.CharField(read_only=True)

    class Meta:
        model = StatementComponent
        fields = [
            "id",
            "kind",
            "amount",
            "derivation",
            "reason",
            "sale_line",
            "bonus_period",
            "created_by",
            "created_at",
            "dispute_url",
        ]
        read_only_fields = fields


class CommissionStatementSerializer(serializers.ModelSerializer):
    dealer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    net_sales = MoneyField(read_only=True)
    total = MoneyField(read_only=True)
    components = StatementComponentSerializer(many=True, read_only=True)

    class Meta:
        model = CommissionStatement
        fields = [
            "id",
            "dealer",
            "period",
            "status",
            "currency",
            "plan",
            "step_mode",
            "base_rate",
            "tier_code",
            "net_sales",
            "line_count",
            "total",
            "components",
            "computed_at",
            "approved_at",
            "approved_by",
            "paid_at",
            "paid_by",
            "payment_reference",
        ]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    expected_total = MoneyField(help_text="the total you reviewed (money is never approved blind)")


class MarkPaidSerializer(serializers.Serializer):
    expected_total = MoneyField(help_text="the amount paid: the statement's total")
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)


class StaleFiguresErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField()


class StaleFiguresSerializer(serializers.Serializer):
    """``409``: the figures changed since the caller reviewed them; ``current`` holds them."""

    type = serializers.CharField()
    errors = StaleFiguresErrorSerializer(many=True)
    current = CommissionStatementSerializer()


class AdjustmentSerializer(serializers.Serializer):
    amount = MoneyField()
    reason = serializers.CharField(max_length=MAX_TEXT)
