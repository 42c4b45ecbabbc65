"""`/api/v1/tickets/` with `comments/` and `transition/` under each ticket."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from conflicts import selectors, services
from conflicts.api import serializers as s
from conflicts.filters import TicketFilter
from conflicts.models import Ticket, TicketAttachment
from portal.api.exceptions import call_service
from portal.api.filters import reject_unknown_query_params
from portal.api.parsers import JSONParser
from portal.api.views import PortalNoDeleteViewSet


class TicketViewSet(PortalNoDeleteViewSet):
    """Tickets the caller may see: a dealer sees its own and the channel tickets it is the
    counter-party of. ``opened_at`` (create) and ``at`` (transition, comment) are for staff
    and manufacturer keys only."""

    dealer_area = "tickets"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = Ticket.objects.all()
    serializer_class = s.TicketSerializer
    filterset_class = TicketFilter
    ordering_fields = ["opened_at", "resolution_due", "first_response_due", "escalation_level"]
    dealer_writable = True

    @property
    def required_staff_permission(self):
        return {
            "create": "conflicts.add_ticket",
            "comments": "conflicts.add_ticketcomment",
            "attachments": "conflicts.add_ticketattachment",
        }.get(self.action, "conflicts.change_ticket")

    def get_queryset(self):
        if self.action == "list":
            return selectors.ticket_list_visible_to(self.request)
        return selectors.ticket_detail_queryset(self.request)

    def list(self, request, *args, **kwargs):
        """Rows as ``.values()`` rendered by ``ticket_list_json`` (the JSON of
        ``TicketSerializer``), not model instances: the list is polled at page size 100."""
        queryset = self.filter_queryset(self.get_queryset()).values(*s.LIST_COLUMNS)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.ticket_list_json(page))

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.TicketDetailSerializer
        return s.TicketSerializer

    def _out(self, ticket, code=status.HTTP_200_OK):
        ticket = self.get_queryset().get(pk=ticket.pk)
        return Response(
            s.TicketDetailSerializer(ticket, context={"request": self.request}).data, status=code
        )

    @extend_schema(request=s.TicketCreateSerializer, responses=s.TicketDetailSerializer)
    def create(self, request, *args, **kwargs):
        data = s.TicketCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["counterparty"] = call_service(
            services.ticket_counterparty_resolve,
            actor=request,
            dealer=fields["dealer"],
            code=fields.get("counterparty"),
        )
        ticket = call_service(services.ticket_open, actor=request, **fields)
        return self._out(ticket, status.HTTP_201_CREATED)

    @extend_schema(request=s.TicketUpdateSerializer, responses=s.TicketDetailSerializer)
    def update(self, request, *args, **kwargs):
        ticket = self.get_object()
        if not self.actor.manufacturer:
            raise exceptions.PermissionDenied()
        data = s.TicketUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        ticket = call_service(
            services.ticket_change_priority, actor=request, ticket=ticket, **data.validated_data
        )
        return self._out(ticket)

    @extend_schema(request=s.TransitionSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        ticket = self.get_object()
        data = s.TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = call_service(
            services.ticket_transition, actor=request, ticket=ticket, **data.validated_data
        )
        return self._out(ticket)

    @extend_schema(methods=["GET"], responses=s.CommentSerializer(many=True), filters=False)
    @extend_schema(
        methods=["POST"], request=s.CommentCreateSerializer, responses={201: s.CommentSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "GET":
            reject_unknown_query_params(request, [])
            rows = selectors.ticket_comments_visible_to(request, ticket).order_by(
                "created_at", "pk"
            )
            return Response(s.CommentSerializer(rows, many=True).data)
        data = s.CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = call_service(
            services.ticket_comment, actor=request, ticket=ticket, **data.validated_data
        )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=s.AttachmentSerializer(many=True), filters=False)
    @extend_schema(
        methods=["POST"],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        responses={201: s.AttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
        pagination_class=None,
    )
    def attachments(self, request, pk=None):
        """List or upload files (PDF, JPEG or PNG by content, at most 10 MB)."""
        ticket = self.get_object()
        if request.method == "GET":
            reject_unknown_query_params(request, [])
            rows = TicketAttachment.objects.visible_to(request).filter(ticket=ticket)
            return Response(s.AttachmentSerializer(rows.order_by("pk"), many=True).data)
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError(
                {"file": [exceptions.ErrorDetail(_("Send a file."), code="required")]}
            )
        attachment = call_service(
            services.ticket_attach, actor=request, ticket=ticket, upload=upload
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
