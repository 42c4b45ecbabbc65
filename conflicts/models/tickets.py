"""Tickets, the ledger of paused SLA time, and escalations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conflicts import calculations
from conflicts.models.calendars import BusinessCalendar
from conflicts.models.policies import STAFF_GROUP_CHOICES, Category, Priority, SlaPolicy
from portal import messages
from portal.access import TenantQuerySet
from portal.audit import audited_history
from portal.clock import format_instant
from portal.inputs import MAX_TEXT
from portal.messages import Message

#: the statuses of an open ticket (``conflicts.selectors.OPEN_STATUSES``), for the partial
#: indexes below (``Ticket.Status`` is not defined yet where they are declared)
_OPEN = ("open", "in_progress", "waiting_on_dealer")


class TicketQuerySet(TenantQuerySet):
    def dealer_filter(self, dealer_id: int) -> models.Q:
        # the raising dealer, and for channel tickets the counter-party
        return models.Q(dealer=dealer_id) | models.Q(counterparty=dealer_id)


class Ticket(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("ticket status", "open")
        IN_PROGRESS = "in_progress", pgettext_lazy("ticket status", "in progress")
        WAITING_ON_DEALER = "waiting_on_dealer", pgettext_lazy("ticket status", "waiting on dealer")
        RESOLVED = "resolved", pgettext_lazy("ticket status", "resolved")
        CLOSED = "closed", pgettext_lazy("ticket status", "closed")

    class SlaState(models.TextChoices):
        ON_TRACK = "on_track", pgettext_lazy("SLA state", "on track")
        AT_RISK = "at_risk", pgettext_lazy("SLA state", "at risk")
        BREACHED = "breached", pgettext_lazy("SLA state", "breached")
        PAUSED = "paused", pgettext_lazy("SLA state", "paused")
        MET = "met", pgettext_lazy("SLA state", "met")

    Category = Category
    Priority = Priority

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=MAX_TEXT)
    #: A title and description the system wrote (a channel conflict), as msgid and
    #: parameters (portal.messages) shown in the reader's language; ``title`` and
    #: ``description`` then hold the English text. Empty for what people wrote.
    title_message = models.JSONField(_("title message"), default=dict, blank=True)
    description_message = models.JSONField(_("description message"), default=dict, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    requested_priority = models.CharField(
        _("requested priority"), max_length=10, choices=Priority.choices
    )
    priority = models.CharField(
        _("priority"),
        max_length=10,
        choices=Priority.choices,
        help_text=_("The requested priority, raised one step for expert-tier dealers."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("raising dealer"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    counterparty = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("counter-party dealer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counterparty_tickets",
    )
    region = models.ForeignKey(
        "dealers.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_by_label = models.CharField(_("opened by (label)"), max_length=200, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        limit_choices_to={"is_staff": True},
    )
    group = models.CharField(_("queue"), max_length=40, choices=STAFF_GROUP_CHOICES)

    # SLA: the policy as it was at opening (or at a priority/category change)
    policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    policy_snapshot = models.JSONField(_("SLA policy snapshot"), default=dict)
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        help_text=_("Blank: 24x7."),
    )
    opened_at = models.DateTimeField(pgettext_lazy("timestamp", "opened"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(
        pgettext_lazy("timestamp", "resolved"), null=True, blank=True
    )
    closed_at = models.DateTimeField(pgettext_lazy("timestamp", "closed"), null=True, blank=True)
    sla_reset_at = models.DateTimeField(
        _("SLA re-targeted"),
        null=True,
        blank=True,
        help_text=_("When a priority or category change re-selected the policy."),
    )
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    warning_at = models.DateTimeField(_("at-risk from"), null=True, blank=True)
    warning_sent_at = models.DateTimeField(_("80 % warning sent"), null=True, blank=True)
    first_response_sla_minutes = models.DecimalField(
        _("SLA minutes to first response"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    resolution_sla_minutes = models.DecimalField(
        _("SLA minutes to resolution"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    resolved_within_target = models.BooleanField(_("resolved within target"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    next_escalation_at = models.DateTimeField(
        _("next escalation"), null=True, blank=True, db_index=True
    )

    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TicketQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["dealer", "opened_at"], name="ticket_dealer_opened_idx"),
            models.Index(fields=["status", "group"], name="ticket_status_group_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="ticket_subject_idx"),
            # the homes' open-ticket reads (dashboards.sections): lists by resolution due
            # (queue, conflicts), counts by SLA state from the index alone, escalations by
            # region, and the quarter's resolved tickets (SLA compliance)
            models.Index(
                fields=["resolution_due", "id"],
                name="ticket_open_due_idx",
                condition=models.Q(status__in=_OPEN),
            ),
            models.Index(
                fields=["status"],
                include=[
                    "first_response_at",
                    "first_response_due",
                    "resolution_due",
                    "warning_at",
                    "resolved_within_target",
                    "group",
                    "assignee",
                ],
                name="ticket_open_sla_idx",
                condition=models.Q(status__in=_OPEN),
            ),
            models.Index(
                fields=["region"],
                name="ticket_open_escalated_idx",
                condition=models.Q(status__in=_OPEN, escalation_level__gt=0),
            ),
            models.Index(
                fields=["resolved_at"],
                name="ticket_resolved_idx",
                condition=models.Q(resolved_within_target__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="ticket_counterparty_not_self",
                condition=models.Q(counterparty__isnull=True)
                | ~models.Q(counterparty=models.F("dealer")),
                violation_error_message=_("The counter-party must be another dealer."),
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.display_title}"

    @property
    def display_title(self) -> str:
        """The title in the active language (as written, when a person wrote it)."""
        return messages.render(self.title_message, self.title)

    @property
    def display_description(self) -> str:
        return messages.render(self.description_message, self.description)

    def title_param(self):
        """The title as a parameter of another message: translated at read time too."""
        return Message.from_json(self.title_message) if self.title_message else self.title

    def clean(self):
        if self.counterparty_id and self.category != Category.CHANNEL:
            raise ValidationError(
                {
                    "counterparty": ValidationError(
                        _("Only channel tickets have a counter-party."), code="invalid"
                    )
                }
            )

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)

    def sla_state_at(self, now) -> str:
        return calculations.sla_state(
            status=self.status,
            resolved_within_target=self.resolved_within_target,
            first_response_at=self.first_response_at,
            first_response_due=self.first_response_due,
            resolution_due=self.resolution_due,
            warning_at=self.warning_at,
            now=now,
        )

    @property
    def sla_state(self) -> str:
        return self.sla_state_at(timezone.now())


class PauseInterval(models.Model):
    """The ledger of time the SLA clock stood still: waiting on the dealer, or resolved."""

    class Reason(models.TextChoices):
        WAITING = "waiting_on_dealer", pgettext_lazy("ticket status", "waiting on dealer")
        RESOLVED = "resolved", pgettext_lazy("ticket status", "resolved")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="pauses"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    started_at = models.DateTimeField(pgettext_lazy("date range", "from"))
    ended_at = models.DateTimeField(pgettext_lazy("date range", "until"), null=True, blank=True)

    class Meta:
        verbose_name = _("paused interval")
        verbose_name_plural = _("paused intervals")
        ordering = ["ticket", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(ended_at__isnull=True),
                name="pauseinterval_one_open_per_ticket",
            ),
            models.CheckConstraint(
                name="pauseinterval_ordered",
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
            ),
        ]

    def __str__(self):
        end = format_instant(self.ended_at, offset=False) if self.ended_at else "…"
        return f"{self.reason} {format_instant(self.started_at, offset=False)}–{end}"


class Escalation(models.Model):
    """One escalation of a ticket to a level; ``(ticket, level)`` happens once."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="escalations"
    )
    level = models.PositiveSmallIntegerField(pgettext_lazy("escalation", "level"))
    group = models.CharField(_("group"), max_length=40, choices=STAFF_GROUP_CHOICES)
    trigger = models.CharField(_("trigger"), max_length=40)
    due_at = models.DateTimeField(_("due"))
    escalated_at = models.DateTimeField(_("escalated"))

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["ticket", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "level"],
                name="escalation_once_per_ticket_level",
                violation_error_message=_("The ticket was already escalated to this level."),
            )
        ]

    def __str__(self):
        return f"#{self.ticket_id} → L{self.level} ({self.group})"
