"""API of working together (DOMAIN.md §9): meetings, action items, announcements,
notifications. Thin: serializers parse, services write, ``visible_to`` scopes."""

from __future__ import annotations

from django_filters import rest_framework as django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import ReadOnlyModelViewSet

from portal import selectors
from portal.api.permissions import Authenticated
from portal.models import Notification
from portal.notifications import notification_mark_read

# --- notifications -------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    """``title`` and ``body`` in the request's language (Accept-Language); ``message`` and
    ``body_message`` are what they were rendered from (msgid ``key``, ``context``,
    ``params``), empty for notifications written before messages were stored."""

    title = serializers.CharField(source="display_title", read_only=True)
    body = serializers.CharField(source="display_body", read_only=True)
    message = serializers.JSONField(source="title_message", read_only=True)
    body_message = serializers.JSONField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "message",
            "body_message",
            "url",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="unread (true) or read (false) only"
    )

    class Meta:
        model = Notification
        fields = ["kind", "unread"]


class NotificationViewSet(ReadOnlyModelViewSet):
    """The caller's own notifications (API keys have none). ``POST …/{id}/read/`` and
    ``POST …/read-all/`` mark them read."""

    serializer_class = NotificationSerializer
    permission_classes = [Authenticated]
    filterset_class = NotificationFilterSet
    queryset = Notification.objects.all()

    def get_queryset(self):
        return selectors.notification_list_for(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notification_mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "NotificationsMarkedRead", {"marked_read": serializers.IntegerField()}
        ),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        count = notification_mark_read(user=request.user) if request.user.is_authenticated else 0
        return Response({"marked_read": count}, status=status.HTTP_200_OK)

    @extend_schema(
        responses=inline_serializer("NotificationsUnread", {"unread": serializers.IntegerField()}),
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.notification_unread_count(request.user)})
