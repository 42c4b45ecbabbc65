"""``webhook-endpoints`` (with ``deliveries``), DOMAIN.md §10 and §15. Thin: serializers
parse, services write, ``visible_to`` scopes (another dealer's endpoint is 404)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.exceptions import call_service
from portal.api.filters import reject_unknown_query_params
from portal.api.views import PortalNoDeleteViewSet
from webhooks.api.serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
    WebhookEndpointWithSecretSerializer,
    WebhookReplaySinceSerializer,
)
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.services import deliveries, endpoints


class WebhookEndpointViewSet(PortalNoDeleteViewSet):
    """A dealer's endpoints (its users and keys manage them) or the manufacturer's. The
    secret is in the answer to create and ``rotate-secret`` only."""

    dealer_area = "integrations"  # the dealer roles that may call it: portal.access.DEALER_AREAS
    queryset = WebhookEndpoint.objects.select_related("dealer")
    serializer_class = WebhookEndpointSerializer
    filterset_fields = ["is_active"]
    dealer_writable = True

    def _with_secret(self, endpoint, secret, code=status.HTTP_200_OK):
        data = WebhookEndpointWithSecretSerializer(
            endpoint, context={**self.get_serializer_context(), "secret": secret}
        ).data
        return Response(data, status=code)

    @extend_schema(responses=WebhookEndpointWithSecretSerializer)
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dealer = data.get("dealer")
        if dealer is None and self.actor.is_dealer:
            dealer = self.actor.dealer
        endpoint, secret = call_service(
            endpoints.endpoint_create,
            actor=request,
            dealer=dealer,
            url=data["url"],
            topics=data["topics"],
            description=data.get("description", ""),
        )
        return self._with_secret(endpoint, secret, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        endpoint = self.get_object()
        serializer = self.get_serializer(
            endpoint, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        endpoint = call_service(
            endpoints.endpoint_update,
            actor=request,
            endpoint=endpoint,
            url=data.get("url"),
            topics=data.get("topics"),
            description=data.get("description"),
        )
        return Response(WebhookEndpointSerializer(endpoint, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=WebhookEndpointWithSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new secret (shown this once); the previous one keeps signing for 24 hours."""
        endpoint, secret = call_service(
            endpoints.endpoint_rotate_secret, actor=request, endpoint=self.get_object()
        )
        return self._with_secret(endpoint, secret)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        endpoint = call_service(
            endpoints.endpoint_enable, actor=request, endpoint=self.get_object()
        )
        return Response(WebhookEndpointSerializer(endpoint, context=self.get_serializer_context()).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        endpoint = call_service(
            endpoints.endpoint_disable, actor=request, endpoint=self.get_object()
        )
        return Response(WebhookEndpointSerializer(endpoint, context=self.get_serializer_context()).data)

    @extend_schema(
        request=WebhookReplaySinceSerializer,
        responses={202: inline_serializer("WebhookReplayQueued", {"queued": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        """Send again every event after ``after`` that this endpoint receives."""
        endpoint = self.get_object()
        serializer = WebhookReplaySinceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = call_service(
            deliveries.deliveries_replay_since,
            endpoint=endpoint,
            after_event_id=serializer.validated_data["after"],
        )
        return Response({"queued": count}, status=status.HTTP_202_ACCEPTED)

    def _deliveries(self, endpoint):
        return (
            WebhookDelivery.objects.filter(endpoint=endpoint)
            .select_related("event")
            .prefetch_related(Prefetch("attempts", WebhookAttempt.objects.order_by("pk")))
            .order_by("-pk")
        )

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The endpoint's deliveries, newest first, each with its attempts."""
        reject_unknown_query_params(request, {"status"})
        queryset = self._deliveries(self.get_object())
        status_filter = request.query_params.get("status")
        if status_filter:
            queryset = queryset.filter(status=status_filter)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={202: WebhookDeliverySerializer},
        parameters=[OpenApiParameter("delivery_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_id>\d+)/replay",
        url_name="delivery-replay",
    )
    def delivery_replay(self, request, pk=None, delivery_id=None):
        """Send one delivery again, with the same ``webhook-id``."""
        delivery = get_object_or_404(self._deliveries(self.get_object()), pk=delivery_id)
        delivery = call_service(deliveries.delivery_replay, delivery=delivery)
        return Response(
            WebhookDeliverySerializer(self._deliveries(delivery.endpoint).get(pk=delivery.pk)).data,
            status=status.HTTP_202_ACCEPTED,
        )
