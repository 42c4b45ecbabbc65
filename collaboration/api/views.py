"""API of working together (DOMAIN.md §9): meetings, action items, announcements,
notifications. Thin: serializers parse, services write, ``visible_to`` scopes."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import exceptions, permissions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from collaboration import selectors, services
from collaboration.models import ActionItem, Announcement, Meeting
from dealers.models import Dealer, Region, Tier
from portal.access import actor_from
from portal.api.exceptions import call_service
from portal.api.serializers import (
    CurrentDealerDefault,
    ScopedSlugRelatedField,
    ValidatedModelSerializer,
)
from portal.api.views import PortalNoDeleteViewSet
from portal.models import User

# --- meetings ------------------------------------------------------------------------------


class MeetingSerializer(ValidatedModelSerializer):
    dealer = ScopedSlugRelatedField(
        slug_field="code", queryset=Dealer.objects.all(), default=CurrentDealerDefault()
    )
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "dealer",
            "title",
            "held_on",
            "agenda",
            "minutes",
            "decisions",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_dealer(self, value):
        if self.instance is not None and value != self.instance.dealer:
            raise serializers.ValidationError(
                _("A meeting's dealer cannot be changed."), code="read_only"
            )
        return value


class MeetingFilterSet(filters.FilterSet):
    dealer = filters.CharFilter(field_name="dealer__code")
    held_after = filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_before = filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["dealer", "held_after", "held_before"]


class MeetingViewSet(PortalNoDeleteViewSet):
    """Sync meetings; both the manufacturer and the dealer create and edit them."""

    dealer_area = "company"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = Meeting.objects.select_related("dealer", "created_by")
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet
    ordering_fields = ["held_on", "created_at"]
    dealer_writable = True

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call_service(
            services.meeting_create, actor=self.actor, dealer=data.pop("dealer"), **data
        )

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k != "dealer"}
        serializer.instance = call_service(
            services.meeting_update, actor=self.actor, meeting=serializer.instance, **data
        )


# --- action items --------------------------------------------------------------------------


class OwnerField(serializers.SlugRelatedField):
    """The owner by username, among staff and the caller's own dealer's users."""

    def get_queryset(self):
        actor = actor_from(self.context["request"])
        qs = User.objects.filter(is_active=True)
        if actor.manufacturer:
            return qs
        return qs.filter(Q(is_staff=True) | Q(membership__dealer_id=actor.dealer_id))


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return super().get_queryset().visible_to(self.context["request"])


class ActionItemSerializer(ValidatedModelSerializer):
    dealer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    meeting = ScopedPrimaryKeyField(queryset=Meeting.objects.all(), required=False, allow_null=True)
    # Reviews are a layer above: reached through the model relation, never imported.
    review = ScopedPrimaryKeyField(
        queryset=ActionItem._meta.get_field("review").related_model.objects.all(),
        required=False,
        allow_null=True,
    )
    owner = OwnerField(slug_field="username")

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "dealer",
            "meeting",
            "review",
            "title",
            "description",
            "owner",
            "due_on",
            "status",
            "reminder_sent_at",
            "completed_at",
            "created_at",
        ]
        read_only_fields = ["reminder_sent_at", "completed_at", "created_at"]

    def validate(self, attrs):
        if self.instance is None:
            source = attrs.get("meeting") or attrs.get("review")
            if source is None or (attrs.get("meeting") and attrs.get("review")):
                raise serializers.ValidationError(
                    {
                        "meeting": [
                            serializers.ErrorDetail(
                                _("Give either a meeting or a quarterly review."),
                                code="one_source",
                            )
                        ]
                    }
                )
            attrs["dealer"] = source.dealer
        else:
            for field in ("meeting", "review"):
                if field in attrs and attrs[field] != getattr(self.instance, field):
                    raise serializers.ValidationError(
                        {
                            field: [
                                serializers.ErrorDetail(_("Cannot be changed."), code="read_only")
                            ]
                        }
                    )
        return super().validate(attrs)


class ActionItemFilterSet(filters.FilterSet):
    dealer = filters.CharFilter(field_name="dealer__code")
    owner = filters.CharFilter(field_name="owner__username")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte")
    open = filters.BooleanFilter(method="filter_open")

    class Meta:
        model = ActionItem
        fields = ["dealer", "meeting", "review", "status", "owner", "due_before"]

    def filter_open(self, queryset, name, value):
        q = Q(status__in=ActionItem.OPEN_STATUSES)
        return queryset.filter(q) if value else queryset.exclude(q)


class ActionItemViewSet(PortalNoDeleteViewSet):
    """Action items of meetings and reviews; both sides update them."""

    dealer_area = "company"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = ActionItem.objects.select_related("dealer", "owner")
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilterSet
    ordering_fields = ["due_on", "created_at"]
    dealer_writable = True

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("dealer", None)
        data.pop("status", None)
        serializer.instance = call_service(services.action_item_create, actor=self.actor, **data)

    def perform_update(self, serializer):
        data = {
            k: v for k, v in serializer.validated_data.items() if k in services.ACTION_ITEM_FIELDS
        }
        serializer.instance = call_service(
            services.action_item_update, actor=self.actor, item=serializer.instance, **data
        )


# --- announcements -------------------------------------------------------------------------


class AnnouncementSerializer(ValidatedModelSerializer):
    dealers = serializers.SlugRelatedField(
        slug_field="code", queryset=Dealer.objects.all(), many=True, required=False
    )
    regions = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), many=True, required=False
    )
    tiers = serializers.SlugRelatedField(
        slug_field="code", queryset=Tier.objects.all(), many=True, required=False
    )
    is_read = serializers.SerializerMethodField(
        help_text="Whether the signed-in person read it; null for API keys."
    )
    read_count = serializers.SerializerMethodField(
        help_text="How many have read it; the manufacturer only (null for dealers)."
    )

    class Meta:
        model = Announcement
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "discount_min",
            "discount_max",
            "starts_on",
            "ends_on",
            "audience",
            "dealers",
            "regions",
            "tiers",
            "published_at",
            "created_at",
            "is_read",
            "read_count",
        ]
        read_only_fields = ["published_at", "created_at"]

    def get_is_read(self, instance) -> bool | None:
        return getattr(instance, "is_read", None)

    def get_read_count(self, instance) -> int | None:
        return getattr(instance, "receipt_count", None)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not actor_from(self.context["request"]).manufacturer:
            # A dealer does not learn whom else an announcement addresses.
            for key in ("dealers", "regions", "tiers"):
                data.pop(key, None)
        return data


class AnnouncementViewSet(PortalNoDeleteViewSet):
    """Announcements: staff write and publish; dealers read those addressed to them and
    record that they read them (``POST …/read/``)."""

    dealer_area = "company"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = Announcement.objects.all()
    serializer_class = AnnouncementSerializer
    filterset_fields = ["kind", "audience"]
    ordering_fields = ["published_at", "created_at"]

    def get_queryset(self):
        qs = selectors.announcement_list_visible_to(self.request, user=self.request.user)
        # Every caller gets the audience fields: prefetch them for dealers too (no N+1).
        return qs.prefetch_related("dealers", "regions", "tiers")

    def perform_create(self, serializer):
        user = self.request.user
        with transaction.atomic():
            serializer.save(created_by=user if user.is_authenticated else None)

    @action(detail=True, methods=["post"], permission_classes=[permissions.AllowAny])
    def read(self, request, pk=None):
        """Record the caller's read receipt (people only; API keys have no reader)."""
        if not request.user.is_authenticated:
            if request.auth is None:
                raise exceptions.NotAuthenticated()
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        serializers.ErrorDetail(
                            _("Read receipts are recorded for people, not API keys."),
                            code="user_required",
                        )
                    ]
                }
            )
        announcement = self.get_object()
        if not announcement.is_published:
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        serializers.ErrorDetail(
                            _("This announcement is not published."), code="not_published"
                        )
                    ]
                }
            )
        receipt = services.announcement_mark_read(announcement=announcement, user=request.user)
        return Response({"id": announcement.pk, "read_at": receipt.read_at})

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        if self.actor.user is not None and not request.user.has_perm(
            "collaboration.publish_announcement"
        ):
            raise exceptions.PermissionDenied()
        announcement = call_service(
            services.announcement_publish, actor=self.actor, announcement=self.get_object()
        )
        return Response(self.get_serializer(announcement).data)
