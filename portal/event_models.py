"""The transactional outbox's tables (loaded by ``portal.models``; the API is ``portal.events``).

An :class:`Event` row is written in the same transaction as the change it reports, so it
exists exactly when the change does. Ids increase, which makes an event id a cursor
(``?after=<id>``, DOMAIN.md §15) and the ``webhook-id`` of a delivery; ``dealer`` is the
tenant scope (``Event.objects.visible_to(who)``; events without a dealer are the
manufacturer's). :class:`EventHandled` records that one subscriber has handled one event,
in the subscriber's own transaction, so its work is done once however often the event is
dispatched.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import TenantQuerySet


class OldestRunningTxid(Func):
    """PostgreSQL: the oldest transaction still running (``xid8`` as a bigint). Every event
    whose ``txid`` is below it was written by a transaction that has ended."""

    template = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
    output_field = models.BigIntegerField()


class OwnTxid(Func):
    """PostgreSQL: the current transaction's id, null when it has written nothing."""

    template = "pg_current_xact_id_if_assigned()::text::bigint"
    output_field = models.BigIntegerField()


class CurrentTxid(Func):
    """PostgreSQL: the current transaction's id (assigned now if it had none)."""

    template = "pg_current_xact_id()::text::bigint"
    output_field = models.BigIntegerField()


class EventQuerySet(TenantQuerySet):
    def after(self, event_id: int | None):
        """The events after an id, by id (the outbox's own order; the partner-facing stream
        is :meth:`stream`)."""
        qs = self.order_by("pk")
        return qs if event_id is None else qs.filter(pk__gt=event_id)

    def settled(self):
        """Events whose recording transaction is older than every transaction still running
        (PostgreSQL). Later events may still commit, but none of them can sort before these
        in :meth:`stream`. A transaction also sees the events it recorded itself. Other
        databases serialise writers: every committed event counts."""
        if connection.vendor != "postgresql":
            return self
        return self.filter(
            Q(txid__isnull=True) | Q(txid__lt=OldestRunningTxid()) | Q(txid=OwnTxid())
        )

    def stream(self, after: "Event | None" = None):
        """The §15 stream (``GET /api/v1/events/?after=<id>``): settled events in the order
        of their transactions, then ids, after the event ``after``. Gap-free under
        concurrent writers: an event that commits later belongs to a transaction that was
        still running, so its ``txid`` is at least the oldest running one and it sorts after
        every event served before (docs/events.md, "The stream")."""
        qs = self.settled().order_by(F("txid").asc(nulls_first=True), "pk")
        if after is None:
            return qs
        if after.txid is None:
            return qs.filter(Q(txid__isnull=False) | Q(pk__gt=after.pk))
        return qs.filter(Q(txid__gt=after.txid) | Q(txid=after.txid, pk__gt=after.pk))

    def pending(self, now=None):
        """Not yet handled by every subscriber and due for a (re)try by the sweep."""
        return self.filter(
            dispatched_at__isnull=True, next_attempt_at__lte=now or timezone.now()
        ).order_by("pk")


class Event(models.Model):
    id = models.BigAutoField(primary_key=True)
    topic = models.CharField(_("topic"), max_length=100)
    # Stored as recorded by ``portal.events.record`` (already plain JSON: see EventJSONEncoder).
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    # PROTECT: the outbox is history that partner systems read back by id; a dealer with
    # events is never deleted (like one with sales or statements).
    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("occurred"), default=timezone.now)
    # Set once every subscriber of the topic has handled the event.
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    # When the sweep may (re)try dispatching: after a grace period at first (the on-commit
    # dispatch normally wins), later with backoff after a subscriber failed.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # dispatches with a failed subscriber
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True, default="")
    # PostgreSQL: the recording transaction's id (pg_current_xact_id()), the stream's order
    # and what makes it gap-free; null on other databases and for events recorded before.
    txid = models.BigIntegerField(_("transaction"), null=True, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="event_pending_idx",
            ),
            models.Index(fields=["dealer", "id"], name="event_dealer_stream_idx"),
            models.Index(fields=["txid", "id"], name="event_stream_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.topic}"


class EventHandled(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="handled"
    )
    subscriber = models.CharField(_("subscriber"), max_length=200)
    handled_at = models.DateTimeField(_("handled"), default=timezone.now)

    class Meta:
        verbose_name = _("handled event")
        verbose_name_plural = _("handled events")
        ordering = ["event_id", "subscriber"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="eventhandled_unique")
        ]

    def __str__(self):
        return f"{self.event} · {self.subscriber}"
