from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from commissions import selectors, services
from commissions.api import serializers as s
from commissions.filters import (
    CommissionPlanFilterSet,
    CommissionStatementFilterSet,
    SaleLineFilterSet,
)
from commissions.models import CommissionStatement, SaleLine, StatementComponent
from portal.api.exceptions import call_service, stale_figures_response
from portal.api.schema import error_responses
from portal.api.views import PortalNoDeleteViewSet, PortalReadOnlyViewSet


def batch_error_response(errors: list[dict]) -> Response:
    """422 in the API's one error shape; ``attr`` like ``lines.3.sku``."""
    return Response(
        {
            "type": "validation_error",
            "errors": [
                {
                    "code": e["code"],
                    "detail": e["message"],
                    "attr": "lines" if e["index"] is None else f"lines.{e['index']}.{e['field']}",
                }
                for e in errors
            ],
        },
        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
    )


class SaleLineViewSet(PortalReadOnlyViewSet):
    """Reported sale lines (DOMAIN.md §6.1). ``POST`` takes ``{"lines": [...]}``: atomic
    batches of up to 10,000 lines, idempotent by (dealer, external_id)."""

    dealer_area = "sales"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = SaleLine.objects.select_related("dealer", "product", "ship_to_region")
    serializer_class = s.SaleLineSerializer
    filterset_class = SaleLineFilterSet
    ordering_fields = ["sold_at", "reported_at", "amount", "id"]
    dealer_writable = True

    @extend_schema(
        request=s.SaleBatchSchemaSerializer,
        responses={
            200: s.SaleBatchResultSerializer,
            201: s.SaleBatchResultSerializer,
            **error_responses(422),
        },
    )
    def create(self, request, *args, **kwargs):
        batch = s.SaleBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        try:
            outcome = services.sale_lines_ingest(
                actor=request,
                lines=request.data["lines"],
                source=self.actor.label,
            )
        except services.BatchRejected as exc:
            return batch_error_response(exc.errors)
        return Response(
            {"created": outcome.created, "duplicates": outcome.duplicates, "lines": outcome.items},
            status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK,
        )


class CommissionPlanViewSet(PortalNoDeleteViewSet):
    """Commission plans (§6.2). Staff and manufacturer keys write; a dealer reads the plans
    of its own agreements."""

    dealer_area = "statements"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = selectors.plan_list()
    serializer_class = s.CommissionPlanSerializer
    filterset_class = CommissionPlanFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        queryset = self.queryset.all()
        if self.actor.manufacturer:
            return queryset
        if self.actor.is_dealer:
            return queryset.filter(agreements__dealer_id=self.actor.dealer_id).distinct()
        return queryset.none()

    def _save(self, serializer, plan=None):
        data = dict(serializer.validated_data)
        steps = data.pop("steps", None)
        tier_bonuses = data.pop("tier_bonuses", None)
        serializer.instance = call_service(
            services.commission_plan_save,
            plan=plan,
            fields=data,
            steps=steps,
            tier_bonuses=tier_bonuses,
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, plan=serializer.instance)


class CommissionStatementViewSet(PortalReadOnlyViewSet):
    """Monthly statements (§6.3): dealers read their own; finance (staff in the finance
    group, manufacturer keys) approves, marks paid and adds adjustments."""

    dealer_area = "statements"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = CommissionStatement.objects.select_related("dealer", "plan").prefetch_related(
        Prefetch(
            "components",
            queryset=StatementComponent.objects.select_related("sale_line").order_by("pk"),
        )
    )
    serializer_class = s.CommissionStatementSerializer
    filterset_class = CommissionStatementFilterSet
    ordering_fields = ["period", "total", "id"]

    # Staff users need this permission to post to the actions (the finance group has it);
    # the services then require the finance group itself.
    required_staff_permission = "commissions.change_commissionstatement"

    def _act(self, fn, serializer_class, **extra):
        statement = self.get_object()
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return call_service(
            fn, statement=statement, actor=self.request, **body.validated_data, **extra
        )

    def _act_on_figures(self, fn, serializer_class):
        """Approve or mark paid the total the caller reviewed: ``409`` with the current
        figures (refreshed and saved) when they are no longer that total."""
        try:
            self._act(fn, serializer_class)
        except services.StaleFigures as exc:
            call_service(services.statement_refresh, statement=self.get_object())
            return stale_figures_response(exc, self.get_serializer(self.get_object()).data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=s.ApproveSerializer,
        responses={200: s.CommissionStatementSerializer, 409: s.StaleFiguresSerializer},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a draft. ``expected_total`` (required) is the total you reviewed; when
        the figures changed meanwhile (late sales, adjustments) the answer is ``409`` with
        code ``total_changed`` and the new figures under ``current``: review, then retry
        with the new total."""
        return self._act_on_figures(services.statement_approve, s.ApproveSerializer)

    @extend_schema(
        request=s.MarkPaidSerializer,
        responses={200: s.CommissionStatementSerializer, 409: s.StaleFiguresSerializer},
    )
    @action(detail=True, methods=["post"], url_path="mark-paid")
    def mark_paid(self, request, pk=None):
        """Record the payment of an approved statement; ``expected_total`` (required) is
        the amount paid, refused with ``409`` (``total_changed``) unless it is the
        statement's total."""
        return self._act_on_figures(services.statement_mark_paid, s.MarkPaidSerializer)

    @extend_schema(request=s.AdjustmentSerializer, responses={201: s.StatementComponentSerializer})
    @action(detail=True, methods=["post"])
    def adjustments(self, request, pk=None):
        component = self._act(services.statement_adjustment_add, s.AdjustmentSerializer)
        return Response(
            s.StatementComponentSerializer(component).data, status=status.HTTP_201_CREATED
        )
