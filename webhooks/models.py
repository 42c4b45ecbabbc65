"""Webhook endpoints of dealers and the manufacturer, their deliveries and every attempt
(DOMAIN.md §15; docs/webhooks.md)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import TenantQuerySet
from webhooks.addresses import url_check
from webhooks.topics import topics_check


class WebhookEndpoint(models.Model):
    """A partner system's URL that receives the events of ``topics``: a dealer's (only that
    dealer's events) or the manufacturer's (``dealer`` empty: every event).

    The secrets (``whsec_`` + base64, Standard Webhooks) are kept to sign; they are shown
    once, when created or rotated. After a rotation ``previous_secret`` keeps signing too
    until ``previous_secret_expires_at``."""

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        help_text=_("Empty: the manufacturer's endpoint, which receives every dealer's events."),
    )
    url = models.URLField(_("URL"), max_length=1000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)  # clean() requires one
    secret = models.CharField(_("secret"), max_length=100, editable=False)
    previous_secret = models.CharField(
        _("previous secret"), max_length=100, blank=True, editable=False
    )
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret valid until"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)
    created_by = models.CharField(_("created by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["pk"]

    def __str__(self):
        return self.url

    def clean(self):
        errors = {}
        for check, value in ((url_check, self.url), (topics_check, self.topics)):
            try:
                check(value)
            except ValidationError as exc:
                errors.update(exc.error_dict)
        if errors:
            raise ValidationError(errors)

    def signing_secrets(self, now=None) -> list[str]:
        """The secrets that sign a delivery now: the current one, and the previous one
        during the 24 hours after a rotation."""
        now = now or timezone.now()
        secrets = [self.secret]
        if (
            self.previous_secret
            and self.previous_secret_expires_at
            and (now < self.previous_secret_expires_at)
        ):
            secrets.append(self.previous_secret)
        return secrets


class DeliveryQuerySet(TenantQuerySet):
    tenant_field = "endpoint__dealer"

    def due(self, now=None):
        """Pending deliveries of active endpoints whose (next) attempt time has come."""
        return self.filter(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now or timezone.now(),
            endpoint__is_active=True,
        )


class WebhookDelivery(models.Model):
    """One event for one endpoint: created in the outbox subscriber's transaction (so it
    exists once the event is dispatched), then attempted until a 2xx answer or the end of
    the schedule. ``webhook-id`` is the event's id, also for a replay."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.ForeignKey(
        "portal.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    #: attempts made in the current round (a replay starts a new round)
    attempt_count = models.PositiveSmallIntegerField(_("attempts"), default=0)
    #: when the next attempt is due; while an attempt runs, pushed past it (a lease), so a
    #: worker killed mid-delivery leaves it for the sweep to retry
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    replays = models.PositiveSmallIntegerField(_("replays"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhookdelivery_unique")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhookdelivery_due_idx",
            )
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"


class AttemptQuerySet(TenantQuerySet):
    tenant_field = "delivery__endpoint__dealer"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery, with what came back (the log of §15)."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("delivery"),
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_body = models.TextField(_("response (truncated)"), blank=True)
    url = models.CharField(_("URL"), max_length=1000)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery", "pk"]

    def __str__(self):
        return f"{self.delivery_id} #{self.number} {self.status_code or self.error}"
