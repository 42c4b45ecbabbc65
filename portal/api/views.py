"""Shared viewset bases: a viewset declares only what differs."""

from django.db import transaction
from rest_framework import mixins, viewsets

from portal.access import actor_from


class PortalViewSetMixin:
    """Scopes every queryset with ``visible_to`` (other dealers' objects are 404) and runs
    writes in a transaction."""

    #: dealer users and dealer keys may write through this endpoint
    dealer_writable = False

    @property
    def actor(self):
        return actor_from(self.request)

    def get_queryset(self):
        queryset = super().get_queryset()
        if hasattr(queryset, "visible_to"):
            return queryset.visible_to(self.request)
        return queryset if self.actor.manufacturer else queryset.none()

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()


class PortalModelViewSet(PortalViewSetMixin, viewsets.ModelViewSet):
    """List, retrieve, create, update, delete."""


class PortalReadOnlyViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """List and retrieve."""


class PortalNoDeleteViewSet(
    PortalViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """List, retrieve, create and update; records that are never deleted."""
