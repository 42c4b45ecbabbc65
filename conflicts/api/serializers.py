"""Ticket API serializers. Writes go through ``conflicts.services`` (the viewset calls them)."""

from django.contrib.contenttypes.models import ContentType
from rest_framework import serializers

from conflicts.models import Category, Priority, Ticket, TicketAttachment, TicketComment
from conflicts.selectors import ticket_sla_explanation
from dealers.models import Dealer
from portal.api.serializers import CurrentDealerDefault, DateTimeField, ScopedSlugRelatedField
from portal.inputs import MAX_TEXT

STATUS_HELP = " | ".join(Ticket.Status.values)


def subject_label(ticket) -> str | None:
    if not ticket.subject_type_id:
        return None
    ct = ContentType.objects.get_for_id(ticket.subject_type_id)
    return f"{ct.app_label}.{ct.model}:{ticket.subject_id}"


class TicketSerializer(serializers.ModelSerializer):
    dealer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    counterparty = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    # plain strings in the schema: the value sets are documented in help texts (enum names
    # like "status" collide with other apps' components)
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    requested_priority = serializers.CharField(read_only=True, help_text="As asked by the dealer.")
    sla_state = serializers.SerializerMethodField(
        help_text="on_track | at_risk | breached | paused | met"
    )
    subject = serializers.SerializerMethodField()
    # in the request's language when the system wrote them (a channel conflict), plus what
    # they were rendered from (msgid ``key``, ``params``; empty when a person wrote them)
    title = serializers.CharField(source="display_title", read_only=True)
    description = serializers.CharField(source="display_description", read_only=True)
    title_message = serializers.JSONField(read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "title",
            "title_message",
            "description",
            "category",
            "requested_priority",
            "priority",
            "status",
            "dealer",
            "counterparty",
            "region",
            "group",
            "assignee",
            "opened_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "first_response_due",
            "resolution_due",
            "sla_state",
            "escalation_level",
            "subject",
        ]
        read_only_fields = fields

    def get_sla_state(self, ticket) -> str:
        return getattr(ticket, "current_sla_state", None) or ticket.sla_state

    def get_subject(self, ticket) -> str | None:
        return subject_label(ticket)

    def to_representation(self, ticket):
        """The same JSON as the declared fields give, without DRF's per-field machinery (the
        ticket list is polled at page size 100; issue 13). Subclasses with more fields keep
        the generic path."""
        if type(self) is not TicketSerializer:
            return super().to_representation(ticket)
        dealer, counterparty, region, assignee = (
            ticket.dealer,
            ticket.counterparty,
            ticket.region,
            ticket.assignee,
        )
        return {
            "id": ticket.pk,
            "title": ticket.display_title,
            "title_message": ticket.title_message,
            "description": ticket.display_description,
            "category": ticket.category,
            "requested_priority": ticket.requested_priority,
            "priority": ticket.priority,
            "status": ticket.status,
            "dealer": dealer.code,
            "counterparty": None if counterparty is None else counterparty.code,
            "region": None if region is None else region.code,
            "group": ticket.group,
            "assignee": None if assignee is None else assignee.username,
            "opened_at": _instant(ticket.opened_at),
            "first_response_at": _instant(ticket.first_response_at),
            "resolved_at": _instant(ticket.resolved_at),
            "closed_at": _instant(ticket.closed_at),
            "first_response_due": _instant(ticket.first_response_due),
            "resolution_due": _instant(ticket.resolution_due),
            "sla_state": self.get_sla_state(ticket),
            "escalation_level": ticket.escalation_level,
            "subject": subject_label(ticket),
        }


_DATETIME = serializers.DateTimeField()


def _instant(value):
    return None if value is None else _DATETIME.to_representation(value)


class TicketDetailSerializer(TicketSerializer):
    sla_explanation = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "sla_explanation"]
        read_only_fields = fields

    def get_sla_explanation(self, ticket) -> dict:
        return ticket_sla_explanation(ticket)


class TicketCreateSerializer(serializers.Serializer):
    dealer = ScopedSlugRelatedField(
        slug_field="code", queryset=Dealer.objects.all(), default=CurrentDealerDefault()
    )
    counterparty = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=32,
        help_text="Channel tickets: the other dealer's code. A dealer may name a dealer of "
        "its region or one it already has a ticket with.",
    )
    category = serializers.ChoiceField(choices=Category.choices)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_TEXT
    )
    opened_at = DateTimeField(
        required=False, help_text="Staff and manufacturer keys only: when it really happened."
    )


class TicketUpdateSerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)


class TransitionSerializer(serializers.Serializer):
    status = serializers.CharField(max_length=32, help_text=STATUS_HELP)
    at = DateTimeField(
        required=False, help_text="Staff and manufacturer keys only: when it really happened."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_TEXT)


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author_label", read_only=True)

    class Meta:
        model = TicketComment
        fields = ["id", "author", "by_staff", "internal", "body", "created_at"]
        read_only_fields = ["id", "author", "by_staff", "created_at"]


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_TEXT)
    internal = serializers.BooleanField(default=False)
    at = DateTimeField(required=False)


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketAttachment
        fields = ["id", "name", "content_type", "size", "created_at"]
        read_only_fields = fields
