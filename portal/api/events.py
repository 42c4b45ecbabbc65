"""``GET /api/v1/events/?after=<id>`` (DOMAIN.md §15): the caller's scoped event stream, for
partner systems that poll instead of receiving webhooks.

The stream is :meth:`portal.event_models.EventQuerySet.stream`: only events whose
transaction is older than every running transaction, in transaction order, so a poller that
always passes the id of the last event it received never misses one, even when two
transactions commit out of id order (docs/events.md, "The stream")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from portal.api.filters import reject_unknown_query_params
from portal.models import Event

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
PARAMETERS = {"after", "page_size", "topic"}


class EventSerializer(serializers.ModelSerializer):
    #: null for the manufacturer's own events (no dealer scope)
    dealer = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = ["id", "topic", "dealer", "occurred_at", "payload"]
        read_only_fields = fields


def _error(field: str, message, code: str):
    return exceptions.ValidationError({field: [exceptions.ErrorDetail(message, code=code)]})


def _positive_int(request, name: str, default: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _error(name, _("Give a whole number."), "invalid") from None
    if value < 0:
        raise _error(name, _("Give a whole number."), "invalid")
    return value


class EventStreamView(APIView):
    """The events the caller may see (a dealer key: its dealer's; a manufacturer key:
    all), after the event ``after``, oldest first. ``next`` is the URL of the following
    page; poll it (it stays valid when empty). One object per page, not a list (an
    APIView, so that the schema does not describe it as an array). A dealer user needs
    the role that manages integrations: the stream carries every topic."""

    dealer_area = "integrations"  # the dealer roles that may call it: portal.access.DEALER_AREAS

    @extend_schema(
        operation_id="events_list",
        parameters=[
            OpenApiParameter("after", OpenApiTypes.INT, description="The last event id received."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="At most 1,000."),
            OpenApiParameter("topic", OpenApiTypes.STR, description="Only this topic."),
        ],
        responses=inline_serializer(
            "EventPage",
            {"next": serializers.URLField(), "results": EventSerializer(many=True)},
        ),
    )
    def get(self, request):
        reject_unknown_query_params(request, PARAMETERS)
        page_size = min(_positive_int(request, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        after_id = _positive_int(request, "after", None)
        visible = Event.objects.visible_to(request)
        after = None
        if after_id:
            after = visible.filter(pk=after_id).only("pk", "txid").first()
            if after is None:  # unknown, or another dealer's: the same answer
                raise _error("after", _("No such event."), "unknown_event")
        events = visible.select_related("dealer").stream(after)
        topic = request.query_params.get("topic")
        if topic:
            events = events.filter(topic=topic)
        rows = list(events[: max(page_size, 1)])
        last = rows[-1].pk if rows else after_id
        next_url = request.build_absolute_uri()
        next_url = replace_query_param(next_url, "after", last) if last else next_url
        return Response({"next": next_url, "results": EventSerializer(rows, many=True).data})
