"""Inventory API (DOMAIN.md §5.2–5.3): sync and adjustments, levels, regional figures,
products and warehouses."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from dealers.models import Product, Region
from inventory import selectors, services
from inventory.api import serializers as s
from inventory.filters import ProductFilterSet, StockLevelFilterSet, WarehouseFilterSet
from inventory.models import StockLevel, Warehouse
from portal.access import actor_from
from portal.api.filters import reject_unknown_query_params
from portal.api.idempotency import idempotent_response
from portal.api.parsers import JSONParser
from portal.api.schema import error_responses
from portal.api.views import PortalNoDeleteViewSet, PortalReadOnlyViewSet


class BatchRejected(exceptions.ValidationError):
    """422 with every item error: ``attr`` is ``items.<index>.<field>``."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


def batch_rejected(errors: list[services.ItemError]) -> BatchRejected:
    detail: dict[str, list] = {}
    for error in errors:
        detail.setdefault(error.attr, []).append(
            exceptions.ErrorDetail(error.message, code=error.code)
        )
    return BatchRejected(detail)


class StockBatchView(APIView):
    """Shared by sync and adjustments: parse, call the service, answer with outcomes."""

    dealer_area = "stock"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    parser_classes = [JSONParser]
    dealer_writable = True
    required_staff_permission = "inventory.change_stocklevel"
    idempotency_required = False
    service = None

    def post(self, request):
        items = request.data.get("items") if isinstance(request.data, dict) else None

        def handler():
            try:
                result = type(self).service(actor=request, items=items)
            except services.StockBatchInvalid as exc:
                raise batch_rejected(exc.errors) from None
            return Response(result.as_dict(), status=status.HTTP_200_OK)

        return idempotent_response(
            request, required=self.idempotency_required, handler=handler, view=self
        )


def idempotency_header(*, required: bool) -> OpenApiParameter:
    return OpenApiParameter(
        "Idempotency-Key",
        str,
        OpenApiParameter.HEADER,
        required=required,
        description="Unique per request (e.g. a UUID); a replay returns the first response.",
    )


class StockSyncView(StockBatchView):
    """Absolute counts with ``as_of``: stale items are ignored, so arrival order does not
    matter. Atomic per batch (up to 10,000 items). ``Idempotency-Key`` optional."""

    service = staticmethod(services.stock_levels_apply_sets)

    @extend_schema(
        request=s.SyncRequestSerializer,
        responses={200: s.BatchResultSerializer, **error_responses(409, 422)},
        parameters=[idempotency_header(required=False)],
        operation_id="inventory_sync",
    )
    def post(self, request):
        return super().post(request)


class StockAdjustmentsView(StockBatchView):
    """Deltas with a reason and optional ``expected_quantity`` (compare-and-set). Atomic
    per batch; requires ``Idempotency-Key``."""

    service = staticmethod(services.stock_levels_apply_adjustments)
    idempotency_required = True

    @extend_schema(
        request=s.AdjustmentRequestSerializer,
        responses={200: s.BatchResultSerializer, **error_responses(409, 422)},
        parameters=[idempotency_header(required=True)],
        operation_id="inventory_adjustments",
    )
    def post(self, request):
        return super().post(request)


class StockLevelViewSet(PortalReadOnlyViewSet):
    """Stock levels; dealers see their own warehouses'."""

    dealer_area = "stock"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = StockLevel.objects.select_related("warehouse__region", "product__product_line")
    serializer_class = s.StockLevelSerializer
    filterset_class = StockLevelFilterSet
    ordering_fields = ["updated_at", "quantity", "id"]


REGION_FILTERS = [
    OpenApiParameter("region", str, description="a region code: it and its subregions"),
    OpenApiParameter("product_line", str),
    OpenApiParameter("sku", str),
    OpenApiParameter("status", str, enum=["ok", "low", "over", "no_rule"]),
]


class RegionStockViewSet(viewsets.ViewSet):
    """Per region subtree and product: total, warehouses, average daily net sales over 28
    days, days of cover and status against the reorder rule. Dealers get figures of their
    own stock and sales only."""

    dealer_area = "stock"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    lookup_field = "code"
    lookup_value_regex = "[A-Z0-9-]+"

    def _who(self, request):
        return None if actor_from(request).manufacturer else request

    def _render(self, rows, request):
        wanted = request.query_params.get("status")
        if wanted:
            rows = [row for row in rows if row.status == wanted]
        return s.RegionStockSerializer(rows, many=True).data

    @extend_schema(
        parameters=REGION_FILTERS,
        responses=s.RegionStockListSerializer,
        operation_id="inventory_regions_list",
    )
    def list(self, request):
        reject_unknown_query_params(request, [p.name for p in REGION_FILTERS])
        params = request.query_params
        rows = selectors.stock_by_region_product(
            who=self._who(request),
            within=params.get("region") or None,
            product_line=params.get("product_line") or None,
            sku=params.get("sku") or None,
        )
        return Response({"results": self._render(rows, request)})

    @extend_schema(
        parameters=REGION_FILTERS[1:],
        responses=s.RegionStockDetailSerializer,
        operation_id="inventory_regions_retrieve",
    )
    def retrieve(self, request, code=None):
        reject_unknown_query_params(request, [p.name for p in REGION_FILTERS[1:]])
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Http404
        params = request.query_params
        rows = selectors.stock_by_region_product(
            who=self._who(request),
            within=code,
            product_line=params.get("product_line") or None,
            sku=params.get("sku") or None,
        )
        rows = [row for row in rows if row.region.code == code]
        return Response({"region": code, "results": self._render(rows, request)})


class ProductViewSet(PortalNoDeleteViewSet):
    """The catalogue, by SKU. Everybody signed in reads it; manufacturer keys and staff
    with the permission create and update."""

    queryset = Product.objects.select_related("product_line")
    serializer_class = s.ProductSerializer
    filterset_class = ProductFilterSet
    lookup_field = "sku"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["sku", "name"]

    def get_queryset(self):
        return self.queryset.all()  # shared reference data


class WarehouseViewSet(PortalNoDeleteViewSet):
    """Warehouses by code; dealers see their own, the manufacturer all."""

    dealer_area = "stock"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = Warehouse.objects.select_related("region", "dealer")
    serializer_class = s.WarehouseSerializer
    filterset_class = WarehouseFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name", "last_synced_at"]
