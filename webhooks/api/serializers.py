from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dealers.models import Dealer
from portal.api.serializers import ScopedSlugRelatedField
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """An endpoint; the secret is never shown here (only once, in the answer to create and
    to ``rotate-secret``)."""

    dealer = ScopedSlugRelatedField(
        slug_field="code", queryset=Dealer.objects.all(), required=False, allow_null=True
    )
    topics = serializers.ListField(child=serializers.CharField(), allow_empty=False)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "dealer",
            "url",
            "description",
            "topics",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "previous_secret_expires_at",
            "created_by",
            "created_at",
        ]
        read_only_fields = [
            "is_active",
            "disabled_at",
            "disabled_reason",
            "previous_secret_expires_at",
            "created_by",
            "created_at",
        ]

    def validate_dealer(self, value):
        if self.instance is not None and value != self.instance.dealer:
            raise serializers.ValidationError(
                _("An endpoint's dealer cannot be changed."), code="read_only"
            )
        return value


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.SerializerMethodField()

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]

    def get_secret(self, obj) -> str:
        return self.context["secret"]


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = [
            "number",
            "started_at",
            "duration_ms",
            "status_code",
            "succeeded",
            "error",
            "response_body",
        ]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(source="event_id", read_only=True)
    topic = serializers.CharField(source="event.topic", read_only=True)
    attempts = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook_id",
            "topic",
            "status",
            "attempt_count",
            "next_attempt_at",
            "last_attempt_at",
            "delivered_at",
            "replays",
            "created_at",
            "attempts",
        ]
        read_only_fields = fields


class WebhookReplaySinceSerializer(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, help_text=_("Replay the events after this id."))
