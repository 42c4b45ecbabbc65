from django.utils.translation import gettext as _
from rest_framework import serializers

from dealers.models import (
    Agreement,
    Application,
    Certification,
    CertificationProgram,
    Dealer,
    ProductLine,
    Region,
    Territory,
    Tier,
)
from portal.api.serializers import MoneyField, ScopedSlugRelatedField, ValidatedModelSerializer
from portal.inputs import MAX_TEXT
from portal.models import User


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
            "notice_ends_on",
            "transition_ends_on",
            "created_at",
        ]
        read_only_fields = ["status", "notice_ends_on", "transition_ends_on", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # After creation the tier changes only through evaluations (history kept).
            fields["tier"].read_only = True
        return fields


class TierSerializer(ValidatedModelSerializer):
    min_trailing_sales = MoneyField(required=False)

    class Meta:
        model = Tier
        fields = [
            "code",
            "name",
            "name_zh_hans",
            "name_zh_hant",
            "rank",
            "min_certified_users",
            "min_trailing_sales",
            "min_score",
            "priority_support",
            "early_access",
            "named_contact",
            "description",
        ]


class TerritorySerializer(ValidatedModelSerializer):
    dealer = ScopedSlugRelatedField(slug_field="code", queryset=Dealer.objects.all())
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    product_line = serializers.SlugRelatedField(
        slug_field="code", queryset=ProductLine.objects.all()
    )

    class Meta:
        model = Territory
        fields = [
            "id",
            "dealer",
            "region",
            "product_line",
            "starts_on",
            "ends_on",
            "exclusive",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class AgreementSerializer(ValidatedModelSerializer):
    dealer = ScopedSlugRelatedField(slug_field="code", queryset=Dealer.objects.all())
    commission_plan = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Agreement._meta.get_field("commission_plan").related_model.objects.all(),
        required=False,
        allow_null=True,
    )
    quarterly_target = MoneyField(required=False)
    annual_target = MoneyField(required=False)

    class Meta:
        model = Agreement
        fields = [
            "number",
            "dealer",
            "status",
            "starts_on",
            "ends_on",
            "commission_plan",
            "quarterly_target",
            "annual_target",
            "notice_period_days",
            "transition_period_days",
            "terms",
            "signed_at",
            "created_at",
        ]
        read_only_fields = ["status", "signed_at", "created_at"]


class CertificationSerializer(ValidatedModelSerializer):
    dealer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    user = ScopedSlugRelatedField(slug_field="username", queryset=User.objects.all())
    program = serializers.SlugRelatedField(
        slug_field="code", queryset=CertificationProgram.objects.all()
    )
    level = serializers.CharField(source="program.level.code", read_only=True)

    class Meta:
        model = Certification
        fields = [
            "id",
            "dealer",
            "user",
            "program",
            "level",
            "passed_on",
            "expires_on",
            "score",
            "created_at",
        ]
        read_only_fields = ["id", "dealer", "expires_on", "created_at"]

    def validate(self, attrs):
        # dealer and expiry are derived by the service; validate the rest of the row.
        user = attrs.get("user")
        program = attrs.get("program")
        if self.instance is None and user is not None and program is not None:
            membership = user.dealer_membership
            if membership is None:
                raise serializers.ValidationError(
                    {"user": serializers.ErrorDetail(_("Not a dealer user."), code="not_a_member")}
                )
            return attrs
        return super().validate(attrs)


class ApplicationSerializer(serializers.ModelSerializer):
    requested_regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    requested_product_lines = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    dealer = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    annual_revenue = MoneyField(read_only=True)
    weighted_score = serializers.DecimalField(
        max_digits=4, decimal_places=2, read_only=True, allow_null=True
    )
    recommendation = serializers.CharField(read_only=True, allow_null=True)
    documents = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "number",
            "status",
            "company_name",
            "credit_code",
            "contact_name",
            "email",
            "phone",
            "requested_regions",
            "requested_product_lines",
            "annual_revenue",
            "sales_team_size",
            "warehouse_area",
            "self_assessment",
            "score_capital",
            "score_sales",
            "score_market",
            "score_service",
            "weighted_score",
            "recommendation",
            "rejection_reason",
            "dealer",
            "decided_at",
            "submitted_at",
            "documents",
        ]
        read_only_fields = fields

    def get_documents(self, obj) -> list[dict]:
        return [
            {"kind": d.kind, "content_type": d.content_type, "size": d.size, "id": d.pk}
            for d in obj.documents.all()
        ]


class ApplicationScoreSerializer(serializers.Serializer):
    capital = serializers.IntegerField(min_value=1, max_value=5)
    sales = serializers.IntegerField(min_value=1, max_value=5)
    market = serializers.IntegerField(min_value=1, max_value=5)
    service = serializers.IntegerField(min_value=1, max_value=5)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)


class ApplicationRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


class DealerNoticeSerializer(serializers.Serializer):
    given_on = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
