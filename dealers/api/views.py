"""API of the dealers app: thin viewsets on the shared bases; writes call services."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from dealers import selectors, services
from dealers.api import serializers as s
from dealers.filters import (
    AgreementFilterSet,
    ApplicationFilterSet,
    CertificationFilterSet,
    DealerFilterSet,
    RegionFilterSet,
    TerritoryFilterSet,
)
from dealers.models import (
    Agreement,
    Application,
    ApplicationDocument,
    Certification,
    Dealer,
    Region,
    Territory,
    Tier,
)
from portal.api.exceptions import call_service
from portal.api.views import PortalModelViewSet, PortalNoDeleteViewSet


class ReferenceDataMixin:
    """Shared reference data: every authenticated caller reads it; manufacturer keys and
    staff with the model permission write it."""

    def get_queryset(self):
        return self.queryset.all()


class RegionViewSet(ReferenceDataMixin, PortalNoDeleteViewSet):
    """The region tree. Everybody signed in reads it; staff and manufacturer keys edit it."""

    queryset = Region.objects.select_related("parent__parent")
    serializer_class = s.RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name"]


class TierViewSet(ReferenceDataMixin, PortalNoDeleteViewSet):
    """Certification tiers with their requirements and benefits (DOMAIN.md §4)."""

    queryset = Tier.objects.all()
    serializer_class = s.TierSerializer
    lookup_field = "code"
    ordering_fields = ["rank", "code"]
    filterset_fields = ["priority_support", "early_access", "named_contact"]


class DealerViewSet(PortalNoDeleteViewSet):
    """Dealers by code. Lifecycle changes are actions (manufacturer only)."""

    dealer_area = "company"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = Dealer.objects.select_related("tier", "region")
    serializer_class = s.DealerSerializer
    filterset_class = DealerFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name", "created_at"]

    def _lifecycle(self, request, fn, **extra):
        dealer = self.get_object()
        if not self.actor.manufacturer:
            self.permission_denied(request)
        call_service(fn, dealer=dealer, **extra)
        dealer.refresh_from_db()
        return Response(self.get_serializer(dealer).data)

    @extend_schema(request=s.DealerNoticeSerializer, responses=s.DealerSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, code=None):
        data = s.DealerNoticeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._lifecycle(
            request, services.dealer_suspend, reason=data.validated_data.get("reason", "")
        )

    @extend_schema(request=None, responses=s.DealerSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, code=None):
        return self._lifecycle(request, services.dealer_reinstate)

    @extend_schema(request=s.DealerNoticeSerializer, responses=s.DealerSerializer)
    @action(detail=True, methods=["post"], url_path="give-notice")
    def give_notice(self, request, code=None):
        data = s.DealerNoticeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._lifecycle(
            request, services.dealer_give_notice, given_on=data.validated_data.get("given_on")
        )

    @extend_schema(request=None, responses=s.DealerSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, code=None):
        return self._lifecycle(request, services.dealer_terminate)

    @extend_schema(responses=dict)
    @action(detail=True, methods=["get"], url_path="tier-progress")
    def tier_progress(self, request, code=None):
        progress = selectors.tier_progress(dealer=self.get_object())
        return Response(
            {
                "tier": progress["tier"].code,
                "next_tier": progress["next_tier"].code if progress["next_tier"] else None,
                "period": progress["period"],
                "requirements": [
                    {
                        "name": c.name,
                        "required": str(c.required),
                        "actual": None if c.actual is None else str(c.actual),
                        "met": c.met,
                        # met | not_met | not_applicable (no figure, or nothing required)
                        "state": c.state,
                        "missing": None if c.missing is None else str(c.missing),
                    }
                    for c in progress["requirements"]
                ],
            }
        )


class TerritoryViewSet(PortalNoDeleteViewSet):
    """Territory grants; creating and changing them applies the exclusivity rule (§2)."""

    dealer_area = "company"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = Territory.objects.select_related("dealer", "region", "product_line")
    serializer_class = s.TerritorySerializer
    filterset_class = TerritoryFilterSet
    ordering_fields = ["starts_on", "created_at"]

    def perform_create(self, serializer):
        serializer.instance = call_service(services.territory_grant, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = call_service(
            services.territory_update, territory=serializer.instance, **serializer.validated_data
        )


class AgreementViewSet(PortalNoDeleteViewSet):
    """Agreements by number; the status changes through the actions."""

    dealer_area = "company"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = Agreement.objects.select_related("dealer", "commission_plan")
    serializer_class = s.AgreementSerializer
    filterset_class = AgreementFilterSet
    lookup_field = "number"
    ordering_fields = ["starts_on", "number", "created_at"]

    def _transition(self, request, fn, **extra):
        agreement = self.get_object()
        if not self.actor.manufacturer:
            self.permission_denied(request)
        agreement = call_service(fn, agreement=agreement, **extra)
        return Response(self.get_serializer(agreement).data)

    @extend_schema(request=None, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, number=None):
        return self._transition(request, services.agreement_activate)

    @extend_schema(request=None, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, number=None):
        return self._transition(request, services.agreement_terminate)


class CertificationViewSet(PortalNoDeleteViewSet):
    """Dealer users' certifications; expiry follows from the programme's validity."""

    dealer_area = "company"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = Certification.objects.select_related("dealer", "user", "program__level")
    serializer_class = s.CertificationSerializer
    filterset_class = CertificationFilterSet
    ordering_fields = ["passed_on", "expires_on"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(
            services.certification_record,
            user=data["user"],
            program=data["program"],
            passed_on=data["passed_on"],
            score=data.get("score"),
        )


class ApplicationViewSet(PortalModelViewSet):
    """Dealer applications, for staff and manufacturer keys only (dealers see none).
    Decisions are actions; applications themselves arrive through ``/apply/``."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = Application.objects.select_related("dealer").prefetch_related(
        "requested_regions",
        "requested_product_lines",
        Prefetch("documents", queryset=ApplicationDocument.objects.order_by("pk")),
    )
    serializer_class = s.ApplicationSerializer
    filterset_class = ApplicationFilterSet
    lookup_field = "number"
    ordering_fields = ["submitted_at", "number"]
    required_staff_permission = "dealers.change_application"

    def create(self, request, *args, **kwargs):
        raise drf_serializers.ValidationError(
            {
                "non_field_errors": [
                    drf_serializers.ErrorDetail(
                        _("Applications are submitted through the public form at /apply/."),
                        code="use_apply_form",
                    )
                ]
            }
        )

    def _decide(self, request, fn, **extra):
        application = self.get_object()
        user = request.user if request.user.is_authenticated else None
        call_service(fn, application=application, by=user, **extra)
        application = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(application).data)

    @extend_schema(request=s.ApplicationScoreSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, number=None):
        data = s.ApplicationScoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._decide(request, services.application_score, **data.validated_data)

    @extend_schema(request=None, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, number=None):
        return self._decide(request, services.application_approve)

    @extend_schema(request=s.ApplicationRejectSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, number=None):
        data = s.ApplicationRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._decide(request, services.application_reject, **data.validated_data)
