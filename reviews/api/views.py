"""`/api/v1/reviews/`: dealers read their final reviews and acknowledge them; staff read all,
score drafts (PATCH) and finalise them."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from collaboration.models import ActionItem
from dealers.selectors import dealer_can_write, dealer_read_only_message
from portal.api.exceptions import call_service
from portal.api.permissions import Authenticated, DealerReadOnly, StaffOnly
from portal.api.views import PortalReadOnlyViewSet
from reviews.api.serializers import AcknowledgeSerializer, QuarterlyReviewSerializer
from reviews.filters import QuarterlyReviewFilterSet
from reviews.models import QuarterlyReview
from reviews.selectors import review_list_visible_to
from reviews.services import review_acknowledge, review_assess, review_finalise


class QuarterlyReviewViewSet(mixins.UpdateModelMixin, PortalReadOnlyViewSet):
    dealer_area = "company"
    queryset = QuarterlyReview.objects.all()
    serializer_class = QuarterlyReviewSerializer
    filterset_class = QuarterlyReviewFilterSet
    ordering_fields = ["quarter", "overall_score", "attainment"]
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):

        return (
            review_list_visible_to(self.request)
            .select_related("finalised_by", "acknowledged_by")
            .prefetch_related(
                Prefetch("action_items", queryset=ActionItem.objects.only("pk", "review_id"))
            )
        )

    def perform_update(self, serializer):
        serializer.instance = call_service(
            review_assess, actor=self.actor, review=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[StaffOnly])
    def finalise(self, request, pk=None):
        review = call_service(review_finalise, actor=self.actor, review=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(request=AcknowledgeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[Authenticated])
    def acknowledge(self, request, pk=None):
        review = self.get_object()
        if self.actor.is_dealer and not dealer_can_write(review.dealer):
            raise DealerReadOnly(dealer_read_only_message(review.dealer))
        data = AcknowledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = call_service(
            review_acknowledge,
            actor=self.actor,
            review=review,
            comment=data.validated_data["comment"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)
