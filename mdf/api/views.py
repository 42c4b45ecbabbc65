"""`/api/v1/mdf/balance/` (+ `allocate`), `/api/v1/mdf/requests/` (+ `approve`, `reject`) and
`/api/v1/mdf/claims/` (+ `approve`, `reject`), DOMAIN.md §14. Every write runs a service
through `call_service`: its errors come back with field and code, nothing half-applied."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.response import Response

from dealers.models import Dealer
from mdf import selectors, services
from mdf.api import serializers as s
from mdf.filters import ClaimFilterSet, FundFilterSet, RequestFilterSet
from mdf.models import Claim, Fund, FundRequest
from portal.api.exceptions import call_service
from portal.api.idempotency import idempotent_response
from portal.api.schema import IDEMPOTENCY_KEY, error_responses
from portal.api.views import PortalReadOnlyViewSet


class BalanceViewSet(PortalReadOnlyViewSet):
    """Each dealer's marketing funds: available, reserved and the totals per kind; the
    detail (`mdf/balance/<dealer code>/`) lists the ledger's movements. A dealer sees its own."""

    dealer_area = "mdf"  # the dealer roles that may call it: portal.access.DEALER_AREAS

    queryset = Fund.objects.all()
    serializer_class = s.BalanceSerializer
    filterset_class = FundFilterSet
    ordering_fields = ["available", "updated_at"]
    lookup_field = "dealer__code"
    lookup_url_kwarg = "dealer"
    required_staff_permission = "mdf.add_movement"

    def get_queryset(self):
        return selectors.fund_list_visible_to(self.request)

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            # a dealer the caller may see has a balance even before its first movement:
            # 0.00, not a 404 that reads "no such dealer" (and a read writes no fund row)
            dealer = Dealer.objects.visible_to(self.request).filter(code=self.kwargs["dealer"])
            if (dealer := dealer.first()) is None:
                raise
            return selectors.fund_empty(dealer)

    def get_serializer_class(self):
        return (
            s.BalanceDetailSerializer
            if self.action in ("retrieve", "allocate")
            else s.BalanceSerializer
        )

    @extend_schema(
        request=s.AllocateSerializer,
        responses={200: s.BalanceDetailSerializer, **error_responses(422)},
    )
    @action(detail=False, methods=["post"], url_path=r"(?P<dealer>[^/.]+)/allocate")
    def allocate(self, request, dealer=None):
        """Staff add funds to a dealer's fund, with a reason."""
        target = Dealer.objects.filter(code=dealer).first()
        if target is None:
            raise NotFound()
        data = s.AllocateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.fund_allocate, actor=request, dealer=target, **data.validated_data)
        fund = self.get_queryset().get(dealer=target)
        return Response(s.BalanceDetailSerializer(fund).data)


class RequestViewSet(PortalReadOnlyViewSet):
    """Marketing-fund requests. Dealers submit; a channel manager approves (an executive
    too above 50,000.00), which reserves the amount; either rejects with a reason."""

    dealer_area = "mdf"  # the dealer roles that may call it: portal.access.DEALER_AREAS

    queryset = FundRequest.objects.all()
    serializer_class = s.RequestSerializer
    filterset_class = RequestFilterSet
    ordering_fields = ["submitted_at", "requested_amount", "id"]
    dealer_writable = True
    required_staff_permission = "mdf.change_fundrequest"

    def get_queryset(self):
        return selectors.request_list_visible_to(self.request)

    def _out(self, obj, code=status.HTTP_200_OK):
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(s.RequestSerializer(obj).data, status=code)

    @extend_schema(
        request=s.RequestCreateSerializer,
        responses={201: s.RequestSerializer, **error_responses(409, 422)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request, *args, **kwargs):
        data = s.RequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def handler():
            obj = call_service(services.request_submit, actor=request, **data.validated_data)
            return self._out(obj, status.HTTP_201_CREATED)

        return idempotent_response(request, required=False, handler=handler, view=self)

    @extend_schema(request=None, responses={200: s.RequestSerializer, **error_responses(422)})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve (the channel manager's step, then the executive's above 50,000.00)."""
        obj = self.get_object()
        return self._out(call_service(services.request_approve, actor=request, request=obj))

    @extend_schema(
        request=s.ReasonSerializer, responses={200: s.RequestSerializer, **error_responses(422)}
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject, with a reason the dealer sees."""
        obj = self.get_object()
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(
            call_service(services.request_reject, actor=request, request=obj, **data.validated_data)
        )


class ClaimViewSet(PortalReadOnlyViewSet):
    """Claims of approved requests, with proof files (multipart `files`). Finance approves
    (a lower `amount` needs a `reason`) — paid in the next draft statement — or rejects."""

    dealer_area = "mdf"  # the dealer roles that may call it: portal.access.DEALER_AREAS

    queryset = Claim.objects.all()
    serializer_class = s.ClaimSerializer
    filterset_class = ClaimFilterSet
    ordering_fields = ["submitted_at", "id"]
    dealer_writable = True
    required_staff_permission = "mdf.change_claim"

    def get_queryset(self):
        return selectors.claim_list_visible_to(self.request)

    def _out(self, obj, code=status.HTTP_200_OK):
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(s.ClaimSerializer(obj).data, status=code)

    @extend_schema(
        request=s.ClaimCreateSerializer,
        responses={201: s.ClaimSerializer, **error_responses(409, 422)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request, *args, **kwargs):
        data = s.ClaimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        target = (
            selectors.request_list_visible_to(request)
            .filter(pk=data.validated_data["request"])
            .first()
        )
        if target is None:
            raise ValidationError(
                {"request": [ErrorDetail(_("No such request."), code="does_not_exist")]}
            )

        def handler():
            obj = call_service(
                services.claim_submit,
                actor=request,
                request=target,
                actual_spend=data.validated_data["actual_spend"],
                files=files,
            )
            return self._out(obj, status.HTTP_201_CREATED)

        return idempotent_response(request, required=False, handler=handler, view=self)

    @extend_schema(
        request=s.ClaimApproveSerializer, responses={200: s.ClaimSerializer, **error_responses(422)}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the reimbursable amount, or a lower one with a reason."""
        obj = self.get_object()
        data = s.ClaimApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(
            call_service(services.claim_approve, actor=request, claim=obj, **data.validated_data)
        )

    @extend_schema(
        request=s.ReasonSerializer, responses={200: s.ClaimSerializer, **error_responses(422)}
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject, with a reason the dealer sees."""
        obj = self.get_object()
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(
            call_service(services.claim_reject, actor=request, claim=obj, **data.validated_data)
        )
