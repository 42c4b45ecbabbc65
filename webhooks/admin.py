"""Staff UI of the webhooks: endpoints (create, rotate, enable/disable, replay), their
deliveries with every attempt. Actions call the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin import ReadOnlyAdmin, ReadOnlyInline
from portal.events import TOPICS
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.services import deliveries, endpoints


class EndpointAdminForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=1000, assume_scheme="https")
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=[(topic, topic) for topic in TOPICS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["dealer", "url", "description", "topics"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """A new endpoint's secret, and a rotated one, is shown once in a message."""

    form = EndpointAdminForm
    list_display = ("url", "dealer", "is_active", "disabled_at", "created_at")
    list_filter = ("is_active",)
    list_select_related = ("dealer",)
    search_fields = ("url", "dealer__code", "description")
    readonly_fields = (
        "is_active",
        "disabled_at",
        "disabled_reason",
        "previous_secret_expires_at",
        "created_by",
        "created_at",
    )
    actions = ["rotate_secret", "disable", "enable", "replay_failed"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                endpoints.endpoint_update(
                    actor=request,
                    endpoint=obj,
                    url=data["url"],
                    topics=data["topics"],
                    description=data["description"],
                )
                return
            endpoint, secret = endpoints.endpoint_create(
                actor=request,
                dealer=data["dealer"],
                url=data["url"],
                topics=data["topics"],
                description=data["description"],
            )
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(
                request, "; ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
            )
            return
        obj.pk = endpoint.pk
        self._secret_message(request, endpoint, secret)

    def _secret_message(self, request, endpoint, secret):
        self.message_user(
            request,
            _("Signing secret of %(url)s (shown once): %(secret)s")
            % {"url": endpoint.url, "secret": secret},
            messages.WARNING,
        )

    @admin.action(description=_("Rotate the secret (the old one signs for 24 hours more)"))
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            endpoint, secret = endpoints.endpoint_rotate_secret(actor=request, endpoint=endpoint)
            self._secret_message(request, endpoint, secret)

    @admin.action(description=_("Disable"))
    def disable(self, request, queryset):
        for endpoint in queryset:
            endpoints.endpoint_disable(actor=request, endpoint=endpoint)

    @admin.action(description=_("Enable"))
    def enable(self, request, queryset):
        for endpoint in queryset:
            endpoints.endpoint_enable(actor=request, endpoint=endpoint)

    @admin.action(description=_("Replay failed deliveries"))
    def replay_failed(self, request, queryset):
        count = 0
        for delivery in WebhookDelivery.objects.filter(
            endpoint__in=queryset, status=WebhookDelivery.Status.FAILED
        ):
            deliveries.delivery_replay(delivery=delivery)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)s delivery queued again.", "%(n)s deliveries queued again.", count)
            % {"n": count},
        )


class AttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fields = ("number", "started_at", "duration_ms", "status_code", "error", "response_body")
    readonly_fields = fields
    show_change_link = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """Every delivery and its attempts; "replay" sends one again with the same
    ``webhook-id``. To replay everything since an event, use the endpoint's API action
    ``replay`` (or ``deliveries_replay_since``)."""

    list_display = ("id", "event", "endpoint", "status", "attempt_count", "next_attempt_at")
    list_filter = ("status",)
    list_select_related = ("event", "endpoint")
    search_fields = ("endpoint__url", "event__topic", "=event__id")
    readonly_fields = (
        "endpoint",
        "event",
        "status",
        "attempt_count",
        "next_attempt_at",
        "last_attempt_at",
        "delivered_at",
        "replays",
        "created_at",
    )
    fields = readonly_fields
    inlines = [AttemptInline]
    actions = ["replay", "replay_since"]

    @admin.action(description=_("Replay (same webhook-id)"))
    def replay(self, request, queryset):
        for delivery in queryset:
            deliveries.delivery_replay(delivery=delivery)
        self.message_user(
            request,
            ngettext(
                "%(n)s delivery queued again.", "%(n)s deliveries queued again.", queryset.count()
            )
            % {"n": queryset.count()},
        )

    @admin.action(description=_("Replay everything since this event, for its endpoint"))
    def replay_since(self, request, queryset):
        for delivery in queryset.select_related("endpoint"):
            count = deliveries.deliveries_replay_since(
                endpoint=delivery.endpoint, after_event_id=delivery.event_id - 1
            )
            self.message_user(
                request,
                ngettext("%(n)s delivery queued again.", "%(n)s deliveries queued again.", count)
                % {"n": count},
            )
