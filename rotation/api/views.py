"""`/api/v1/stock-transfer-suggestions/` (+ `propose`) and `/api/v1/stock-transfers/` (+
`accept`, `ship`, `receive`, `cancel`), DOMAIN.md §16. Every step takes an optional
`Idempotency-Key` (§5.2); repeating a step that already happened changes nothing anyway."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.exceptions import call_service
from portal.api.idempotency import idempotent_response
from portal.api.schema import error_responses
from portal.api.views import PortalReadOnlyViewSet
from rotation import selectors, services
from rotation.api import serializers as s
from rotation.filters import SuggestionFilterSet, TransferFilterSet
from rotation.models import StockTransfer, TransferSuggestion

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Unique per request (e.g. a UUID); a replay returns the first response.",
)


class SuggestionViewSet(PortalReadOnlyViewSet):
    """Tonight's suggestions (recomputed nightly). A dealer sees those it is part of, with
    its `role` and without the other dealer's name."""

    dealer_area = "stock"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = TransferSuggestion.objects.all()
    serializer_class = s.SuggestionSerializer
    filterset_class = SuggestionFilterSet
    ordering_fields = ["quantity", "computed_at", "id"]
    dealer_writable = True
    required_staff_permission = "rotation.add_stocktransfer"

    def get_queryset(self):
        return selectors.suggestion_list_visible_to(self.request)

    @extend_schema(
        request=s.ProposeSerializer,
        responses={201: s.TransferSerializer, **error_responses(409, 422)},
        parameters=[IDEMPOTENCY],
    )
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Propose a transfer from this suggestion (staff, or one of its two dealers — whose
        side is then accepted)."""
        suggestion = self.get_object()
        data = s.ProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def handler():
            transfer = call_service(
                services.transfer_propose_from_suggestion,
                actor=request,
                suggestion=suggestion,
                quantity=data.validated_data.get("quantity"),
            )
            transfer = selectors.transfer_list_visible_to(request).get(pk=transfer.pk)
            return Response(
                s.TransferSerializer(transfer, context={"request": request}).data,
                status=status.HTTP_201_CREATED,
            )

        return idempotent_response(request, required=False, handler=handler)


class TransferViewSet(PortalReadOnlyViewSet):
    """Transfers the caller is part of (staff: all). Staff create them; each dealer accepts
    its side; the sender ships, the receiver confirms receipt; either cancels before
    shipping."""

    dealer_area = "stock"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = StockTransfer.objects.all()
    serializer_class = s.TransferSerializer
    filterset_class = TransferFilterSet
    ordering_fields = ["created_at", "id"]
    dealer_writable = True

    @property
    def required_staff_permission(self):
        return "rotation.add_stocktransfer" if self.action == "create" else (
            "rotation.change_stocktransfer"
        )

    def get_queryset(self):
        return selectors.transfer_list_visible_to(self.request)

    def _out(self, transfer, code=status.HTTP_200_OK):
        transfer = self.get_queryset().get(pk=transfer.pk)
        return Response(s.TransferSerializer(transfer, context={"request": self.request}).data, status=code)

    @extend_schema(
        request=s.TransferCreateSerializer,
        responses={201: s.TransferSerializer, **error_responses(409, 422)},
        parameters=[IDEMPOTENCY],
    )
    def create(self, request, *args, **kwargs):
        data = s.TransferCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def handler():
            transfer = call_service(
                services.transfer_propose, actor=request, **data.validated_data
            )
            return self._out(transfer, status.HTTP_201_CREATED)

        return idempotent_response(request, required=False, handler=handler)

    def _step(self, request, service, **kwargs):
        transfer = self.get_object()

        def handler():
            return self._out(call_service(service, actor=request, transfer=transfer, **kwargs))

        return idempotent_response(request, required=False, handler=handler)

    @extend_schema(
        request=None,
        responses={200: s.TransferSerializer, **error_responses(409, 422)},
        parameters=[IDEMPOTENCY],
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the caller's side (dealers)."""
        return self._step(request, services.transfer_accept)

    @extend_schema(
        request=None,
        responses={200: s.TransferSerializer, **error_responses(409, 422)},
        parameters=[IDEMPOTENCY],
    )
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        """The sender ships: its stock level loses the quantity (`transfer_out`)."""
        return self._step(request, services.transfer_ship)

    @extend_schema(
        request=None,
        responses={200: s.TransferSerializer, **error_responses(409, 422)},
        parameters=[IDEMPOTENCY],
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        """The receiver confirms arrival: its stock level gains the quantity (`transfer_in`)."""
        return self._step(request, services.transfer_receive)

    @extend_schema(
        request=s.CancelSerializer,
        responses={200: s.TransferSerializer, **error_responses(409, 422)},
        parameters=[IDEMPOTENCY],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel before shipping (either dealer or staff)."""
        data = s.CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._step(request, services.transfer_cancel, **data.validated_data)
