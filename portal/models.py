"""Accounts and API keys."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager

from portal import messages
from portal.audit import audited_history
from portal.clock import format_instant


class User(AbstractUser):
    """A person: manufacturer staff (``is_staff``) or a dealer user (has a membership)."""

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        choices=[("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")],
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    history = audited_history(excluded_fields=["last_login", "password"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    @property
    def dealer_membership(self):
        """The user's membership, or None for staff (cached on the instance). Read with its
        dealer, the dealer's tier and home region in one query: every dealer page shows the
        dealer (the navigation), and its home its tier and region."""
        relation = self._meta.get_field("membership")  # dealers.DealerMembership, by name
        if not relation.is_cached(self):
            membership = (
                relation.related_model._base_manager.select_related(
                    "dealer__tier", "dealer__region"
                )
                .filter(user=self)
                .first()
            )
            relation.set_cached_value(self, membership)
        try:
            return self.membership
        except models.ObjectDoesNotExist:
            return None

    @property
    def dealer(self):
        membership = self.dealer_membership
        return membership.dealer if membership else None


class ApiKeyManager(APIKeyManager):
    def get_usable_keys(self):
        """Neither revoked nor expired (the library's own query leaves expired keys in, and
        checks expiry only in ``is_valid(key)``, which authentication does not call)."""
        return (
            super()
            .get_usable_keys()
            .filter(models.Q(expiry_date__isnull=True) | models.Q(expiry_date__gt=timezone.now()))
        )


class ApiKey(AbstractAPIKey):
    """A key for a partner system: bound to one dealer, or to the manufacturer."""

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    is_manufacturer = models.BooleanField(_("manufacturer key"), default=False)
    rate = models.CharField(
        _("rate limit"),
        max_length=20,
        blank=True,
        help_text=_("Overrides the default rate, e.g. 1000/min. Blank: the default."),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiKeyManager()
    history = audited_history()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            models.CheckConstraint(
                name="apikey_dealer_xor_manufacturer",
                condition=(
                    models.Q(dealer__isnull=False, is_manufacturer=False)
                    | models.Q(dealer__isnull=True, is_manufacturer=True)
                ),
                violation_error_message=_(
                    "A key is bound either to one dealer or to the manufacturer."
                ),
            )
        ]

    @property
    def label(self) -> str:
        return f"api-key:{self.prefix}"


class Notification(models.Model):
    """A message for one user in the portal's notification centre (and maybe by e-mail)."""

    recipient = models.ForeignKey(
        "portal.User",
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=50, help_text=_("e.g. ticket_escalated"))
    title = models.CharField(
        _("title"), max_length=200, help_text=_("In English; shown when no message is stored.")
    )
    body = models.TextField(_("body"), blank=True)
    #: The title and body as msgid and parameters (portal.messages), rendered at read time
    #: in the reader's language; empty for rows written before messages were stored.
    title_message = models.JSONField(_("title message"), default=dict, blank=True)
    body_message = models.JSONField(_("body message"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the active language (the stored English text for old rows)."""
        return messages.render(self.title_message, self.title)

    @property
    def display_body(self) -> str:
        return messages.render(self.body_message, self.body)


class JobRunQuerySet(models.QuerySet):
    @staticmethod
    def stall_cutoff(now=None):
        """Running runs whose last heartbeat is before this are stalled."""
        minutes = settings.JOB_STALL_AFTER_MINUTES
        return (now or timezone.now()) - dt.timedelta(minutes=minutes)

    def stalled(self, now=None):
        """Running runs whose process went away (killed, out of memory, a lost worker): no
        heartbeat for ``JOB_STALL_AFTER_MINUTES``."""
        return self.filter(status=JobRun.Status.RUNNING, heartbeat_at__lt=self.stall_cutoff(now))

    def alive(self, now=None):
        """Running runs with a recent heartbeat."""
        return self.filter(status=JobRun.Status.RUNNING, heartbeat_at__gte=self.stall_cutoff(now))


class JobRun(models.Model):
    """One run of a batch job (statements, reviews, bonuses, sweeps, alerts)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    job = models.CharField(_("job"), max_length=100, db_index=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    started_by = models.CharField(_("started by"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    total = models.PositiveIntegerField(_("items to do"), null=True, blank=True)
    done = models.PositiveIntegerField(_("items done"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    #: Written with the progress (at most every few seconds) while the run is alive; a
    #: running run without one for ``JOB_STALL_AFTER_MINUTES`` is stalled.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), default=timezone.now)

    objects = JobRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-pk"]
        indexes = [
            # The stall sweep and the admin's "stalled" filter.
            models.Index(
                fields=["heartbeat_at"],
                condition=models.Q(status="running"),
                name="portal_jobrun_running_hb",
            )
        ]

    def __str__(self):
        return f"{self.job} {format_instant(self.started_at, offset=False)}"

    def is_stalled(self, now=None) -> bool:
        return (
            self.status == self.Status.RUNNING
            and self.heartbeat_at < JobRunQuerySet.stall_cutoff(now)
        )

    @property
    def progress_percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


class IdempotencyRecord(models.Model):
    """One ``Idempotency-Key`` of one caller (see ``portal.api.idempotency``).

    Created by the inventory app; the table keeps its name ``inventory_idempotencyrecord``."""

    class Status(models.TextChoices):
        IN_FLIGHT = "in_flight", _("in flight")
        COMPLETED = "completed", _("completed")

    scope = models.CharField(_("caller"), max_length=200)
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_FLIGHT
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.JSONField(_("response body"), null=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        db_table = "inventory_idempotencyrecord"
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_per_caller")
        ]

    def __str__(self):
        return f"{self.scope} {self.key}"


from portal.event_models import Event, EventHandled  # noqa: E402, F401  (the outbox's tables)
