"""`/api/v1/price-guides/`, `/api/v1/campaigns/` (+ `materials`) and `/api/v1/promotions/`
(+ `approve`, `reject`), DOMAIN.md §13. Guides and campaigns are read by everyone with
access and written by the manufacturer; promotions are written by dealers for themselves and
decided by channel managers."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from portal.api.exceptions import call_service
from portal.api.idempotency import idempotent_response
from portal.api.parsers import JSONParser
from portal.api.schema import IDEMPOTENCY_KEY, error_responses
from portal.api.views import PortalReadOnlyViewSet
from pricing import selectors, services
from pricing.api import serializers as s
from pricing.filters import CampaignFilterSet, PriceGuideFilterSet, PromotionFilterSet
from pricing.models import Campaign, PriceGuide, Promotion


class PriceGuideViewSet(mixins.CreateModelMixin, PortalReadOnlyViewSet):
    """Price guides: effective-dated list and floor prices per product, everywhere or in a
    region's subtree. Never edited: a change is a new guide from an instant not yet passed."""

    dealer_area = "pricing"  # the dealer roles that may call it: portal.access.DEALER_AREAS

    queryset = PriceGuide.objects.all()
    serializer_class = s.PriceGuideSerializer
    filterset_class = PriceGuideFilterSet
    ordering_fields = ["effective_from", "id"]
    ordering = ["-effective_from", "-id"]

    def get_queryset(self):
        return selectors.price_guide_list_visible_to(self.request)

    @extend_schema(
        request=s.PriceGuideCreateSerializer,
        responses={201: s.PriceGuideSerializer, **error_responses(422)},
    )
    def create(self, request, *args, **kwargs):
        data = s.PriceGuideCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        guide = call_service(services.price_guide_create, actor=request, **data.validated_data)
        guide = self.get_queryset().get(pk=guide.pk)
        return Response(s.PriceGuideSerializer(guide).data, status=status.HTTP_201_CREATED)


class CampaignViewSet(mixins.CreateModelMixin, PortalReadOnlyViewSet):
    """Campaign frameworks: products or product lines, regions, dates and the discount range
    dealers may choose in; materials as files. A new campaign is announced to the dealers
    of its regions."""

    dealer_area = "pricing"  # the dealer roles that may call it: portal.access.DEALER_AREAS

    queryset = Campaign.objects.all()
    serializer_class = s.CampaignSerializer
    filterset_class = CampaignFilterSet
    ordering_fields = ["starts_on", "id"]
    ordering = ["-starts_on", "-id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @property
    def required_staff_permission(self):
        return "pricing.add_campaign" if self.action == "create" else "pricing.change_campaign"

    def get_queryset(self):
        return selectors.campaign_list_visible_to(self.request)

    @extend_schema(
        request=s.CampaignCreateSerializer,
        responses={201: s.CampaignSerializer, **error_responses(422)},
    )
    def create(self, request, *args, **kwargs):
        data = s.CampaignCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = call_service(services.campaign_create, actor=request, **data.validated_data)
        campaign = self.get_queryset().get(pk=campaign.pk)
        return Response(s.CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": s.MaterialUploadSerializer},
        responses={201: s.MaterialSerializer, **error_responses(422)},
    )
    @action(detail=True, methods=["post"])
    def materials(self, request, pk=None):
        """Attach a material (PDF, JPEG or PNG, at most 10 MB, checked by content)."""
        campaign = self.get_object()
        data = s.MaterialUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        material = call_service(
            services.campaign_material_add,
            actor=request,
            campaign=campaign,
            upload=data.validated_data["file"],
        )
        return Response(s.MaterialSerializer(material).data, status=status.HTTP_201_CREATED)


class PromotionViewSet(mixins.CreateModelMixin, PortalReadOnlyViewSet):
    """Local promotions: a dealer's discount inside a campaign, approved at once inside the
    campaign's ranges, otherwise pending for the region's channel manager."""

    dealer_area = "pricing"  # the dealer roles that may call it: portal.access.DEALER_AREAS

    queryset = Promotion.objects.all()
    serializer_class = s.PromotionSerializer
    filterset_class = PromotionFilterSet
    ordering_fields = ["created_at", "id"]
    dealer_writable = True

    @property
    def required_staff_permission(self):
        return "pricing.add_promotion" if self.action == "create" else "pricing.change_promotion"

    def get_queryset(self):
        return selectors.promotion_list_visible_to(self.request)

    def _out(self, promotion, code=status.HTTP_200_OK):
        promotion = self.get_queryset().get(pk=promotion.pk)
        return Response(s.PromotionSerializer(promotion).data, status=code)

    @extend_schema(
        request=s.PromotionCreateSerializer,
        responses={201: s.PromotionSerializer, **error_responses(409, 422)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request, *args, **kwargs):
        data = s.PromotionCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)

        def handler():
            promotion = call_service(
                services.promotion_submit, actor=request, **data.validated_data
            )
            return self._out(promotion, status.HTTP_201_CREATED)

        return idempotent_response(request, required=False, handler=handler, view=self)

    def _decide(self, request, approve: bool):
        promotion = self.get_object()
        data = s.DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        promotion = call_service(
            services.promotion_decide,
            actor=request,
            promotion=promotion,
            approve=approve,
            reason=data.validated_data.get("reason", ""),
        )
        return self._out(promotion)

    @extend_schema(
        request=s.DecisionSerializer,
        responses={200: s.PromotionSerializer, **error_responses(403, 422)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a pending promotion (channel managers)."""
        return self._decide(request, True)

    @extend_schema(
        request=s.DecisionSerializer,
        responses={200: s.PromotionSerializer, **error_responses(403, 422)},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a pending promotion with a reason the dealer sees (channel managers)."""
        return self._decide(request, False)
