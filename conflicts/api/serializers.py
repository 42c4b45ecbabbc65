"""Ticket API serializers. Writes go through ``conflicts.services`` (the viewset calls them)."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from rest_framework import serializers

from conflicts.calculations import sla_state
from conflicts.models import Category, Priority, Ticket, TicketAttachment, TicketComment
from conflicts.selectors import ticket_sla_explanation
from dealers.models import Dealer
from portal import messages
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
        ticket list is polled at page size 100; issue 13): the list's own rendering of the
        ticket's ``LIST_COLUMNS``. Subclasses with more fields keep the generic path."""
        if type(self) is not TicketSerializer:
            return super().to_representation(ticket)
        return ticket_list_json([{name: _column(ticket, name) for name in LIST_COLUMNS}])[0]


def _column(ticket, name: str):
    """``dealer__code`` of a ticket instance, as ``.values()`` names it (None past a null)."""
    value = ticket
    for part in name.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
    return value


#: the columns a listed ticket is rendered from (``ticket_list_json``): the list reads these
#: with ``.values()`` instead of five model instances per row (issue 13, B5)
LIST_COLUMNS = (
    "pk",
    "title",
    "title_message",
    "description",
    "description_message",
    "category",
    "requested_priority",
    "priority",
    "status",
    "dealer__code",
    "counterparty__code",
    "region__code",
    "group",
    "assignee__username",
    "opened_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "first_response_due",
    "resolution_due",
    "resolved_within_target",
    "warning_at",
    "escalation_level",
    "subject_type_id",
    "subject_id",
)


def ticket_list_json(rows) -> list[dict]:
    """Listed tickets from their ``LIST_COLUMNS`` rows: the same JSON as ``TicketSerializer``
    gives for each, with the SLA state of the whole page computed at one instant
    (``calculations.sla_state``) and times in the request's zone, as DRF writes them."""
    now, zone = timezone.now(), timezone.get_current_timezone()
    return [_listed(row, now, zone) for row in rows]


def _listed(row: dict, now, zone) -> dict:
    subject = None
    if row["subject_type_id"]:
        ct = ContentType.objects.get_for_id(row["subject_type_id"])
        subject = f"{ct.app_label}.{ct.model}:{row['subject_id']}"
    return {
        "id": row["pk"],
        "title": messages.render(row["title_message"], row["title"]),
        "title_message": row["title_message"],
        "description": messages.render(row["description_message"], row["description"]),
        "category": row["category"],
        "requested_priority": row["requested_priority"],
        "priority": row["priority"],
        "status": row["status"],
        "dealer": row["dealer__code"],
        "counterparty": row["counterparty__code"],
        "region": row["region__code"],
        "group": row["group"],
        "assignee": row["assignee__username"],
        "opened_at": _iso(row["opened_at"], zone),
        "first_response_at": _iso(row["first_response_at"], zone),
        "resolved_at": _iso(row["resolved_at"], zone),
        "closed_at": _iso(row["closed_at"], zone),
        "first_response_due": _iso(row["first_response_due"], zone),
        "resolution_due": _iso(row["resolution_due"], zone),
        "sla_state": sla_state(
            status=row["status"],
            resolved_within_target=row["resolved_within_target"],
            first_response_at=row["first_response_at"],
            first_response_due=row["first_response_due"],
            resolution_due=row["resolution_due"],
            warning_at=row["warning_at"],
            now=now,
        ),
        "escalation_level": row["escalation_level"],
        "subject": subject,
    }


def _iso(value, zone):
    """DRF's ``DateTimeField`` output (ISO 8601 in ``zone``, UTC as ``Z``) without its
    per-call settings lookups."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


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
