"""`/api/v1/deal-registrations/` (DOMAIN.md §12) with the actions `approve`, `reject`
(staff), `extend` (a dealer asks once for 30 more days; staff grant or decline), `won` and
`lost` (the dealer or staff). Each calls the service the portal and the admin call."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from deals import selectors, services
from deals.api import serializers as s
from deals.filters import DealRegistrationFilterSet
from deals.models import DealRegistration
from portal.api.exceptions import call_service
from portal.api.idempotency import idempotent_response
from portal.api.schema import IDEMPOTENCY_KEY, error_responses
from portal.api.views import PortalReadOnlyViewSet


class DealRegistrationViewSet(PortalReadOnlyViewSet):
    """Deal registrations: a dealer sees and writes its own (another dealer's is 404);
    staff and manufacturer keys see all and decide. A registration that names the same
    customer as another dealer's live one is `conflict` (and a channel ticket); a similar
    name is `under_review`."""

    dealer_area = "deals"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = DealRegistration.objects.all()
    serializer_class = s.DealRegistrationSerializer
    filterset_class = DealRegistrationFilterSet
    ordering_fields = ["submitted_at", "protected_until", "id"]
    dealer_writable = True
    dealer_area = "deals"  # the dealer roles that may call it: portal.access.DEALER_AREAS

    @property
    def required_staff_permission(self):
        if self.action == "create":
            return "deals.add_dealregistration"
        return "deals.change_dealregistration"

    def get_queryset(self):
        return selectors.registration_detail_visible_to(self.request)

    def _out(self, registration, code=status.HTTP_200_OK):
        registration = self.get_queryset().get(pk=registration.pk)
        data = s.DealRegistrationSerializer(registration, context={"request": self.request}).data
        return Response(data, status=code)

    @extend_schema(
        request=s.DealRegistrationCreateSerializer,
        responses={201: s.DealRegistrationSerializer, **error_responses(409, 422)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request, *args, **kwargs):
        data = s.DealRegistrationCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)

        def handler():
            registration = call_service(
                services.deal_registration_submit, actor=request, **data.validated_data
            )
            return self._out(registration, status.HTTP_201_CREATED)

        # a partner retrying after a lost answer must not register the customer twice
        return idempotent_response(request, required=False, handler=handler, view=self)

    def _step(self, service, **kwargs):
        registration = self.get_object()
        return self._out(
            call_service(service, actor=self.request, registration=registration, **kwargs)
        )

    @extend_schema(request=None, responses={200: s.DealRegistrationSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve (staff: the channel manager of the customer's region): protected for
        `DEALS_PROTECTION_DAYS` after today."""
        return self._step(services.deal_registration_approve)

    @extend_schema(request=s.RejectSerializer, responses={200: s.DealRegistrationSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject with a reason (staff)."""
        data = s.RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._step(services.deal_registration_reject, **data.validated_data)

    @extend_schema(request=s.ExtendSerializer, responses={200: s.DealRegistrationSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """A dealer requests its one extension before the protection ends; staff grant
        (`DEALS_EXTENSION_DAYS` more) or decline it (`"grant": false`)."""
        data = s.ExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if self.actor.is_dealer:
            return self._step(
                services.deal_registration_request_extension, reason=data.validated_data["reason"]
            )
        return self._step(
            services.deal_registration_decide_extension, grant=data.validated_data["grant"]
        )

    @extend_schema(request=None, responses={200: s.DealRegistrationSerializer})
    @action(detail=True, methods=["post"])
    def won(self, request, pk=None):
        """Report an approved deal won."""
        return self._step(services.deal_registration_mark_won)

    @extend_schema(request=None, responses={200: s.DealRegistrationSerializer})
    @action(detail=True, methods=["post"])
    def lost(self, request, pk=None):
        """Report an approved deal lost."""
        return self._step(services.deal_registration_mark_lost)
