"""Conflict tickets, SLA policies, business calendars and escalations (DOMAIN.md §7).

Writes go through ``conflicts.services``; the SLA arithmetic is ``conflicts.calculations``.
"""

from __future__ import annotations

from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from conflicts import calculations
from portal.access import TenantQuerySet
from portal.audit import audited_history

STAFF_GROUP_CHOICES = [
    ("channel_manager", _("channel managers")),
    ("finance", _("finance")),
    ("support", _("support")),
    ("legal", _("legal")),
    ("executive", _("executive")),
]

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


# --- calendars ----------------------------------------------------------------------------


class BusinessCalendar(models.Model):
    """A time zone, opening hours per weekday, holidays and make-up working days."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("Used for regions without a calendar of their own or of an ancestor."),
    )

    history = audited_history()

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="businesscalendar_one_default",
                violation_error_message=_("Another calendar is already the default."),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.time_zone not in available_timezones():
            raise ValidationError(
                {"time_zone": ValidationError(_("Unknown time zone."), code="invalid")}
            )


class OpeningInterval(models.Model):
    """Opening hours on a weekday (several per day allowed). An end of 00:00 means midnight."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="intervals",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAY_CHOICES)
    start = models.TimeField(_("opens"))
    end = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening interval")
        verbose_name_plural = _("opening intervals")
        ordering = ["calendar", "weekday", "start"]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if self.start is None or self.end is None:
            return
        try:
            calculations.DayInterval.from_times(self.start, self.end)
        except ValueError:
            raise ValidationError(
                {"end": ValidationError(_("Closing must be after opening."), code="invalid")}
            ) from None


class CalendarHoliday(models.Model):
    """A date on which the calendar is closed all day."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="holidays",
    )
    day = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["calendar", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "day"],
                name="calendarholiday_unique_day",
                violation_error_message=_("This date is already a holiday of the calendar."),
            )
        ]

    def __str__(self):
        return f"{self.day} {self.name}"


class MakeUpWorkday(models.Model):
    """A weekend date that is a working day (China's 调休), with the hours of a weekday."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="makeup_days",
    )
    day = models.DateField(_("date"))
    works_as = models.PositiveSmallIntegerField(
        _("keeps the hours of"), choices=WEEKDAY_CHOICES, default=0
    )
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("make-up working day")
        verbose_name_plural = _("make-up working days")
        ordering = ["calendar", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "day"],
                name="makeupworkday_unique_day",
                violation_error_message=_("This date is already a make-up working day."),
            )
        ]

    def __str__(self):
        return f"{self.day} {self.name}"


class RegionCalendar(models.Model):
    """Assigns a business calendar to a region; subregions inherit it."""

    region = models.OneToOneField(
        "dealers.Region",
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        related_name="business_calendar_link",
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        related_name="regions",
    )

    history = audited_history()

    class Meta:
        verbose_name = _("region calendar")
        verbose_name_plural = _("region calendars")
        ordering = ["region__code"]

    def __str__(self):
        return f"{self.region.code} → {self.calendar.code}"


# --- policies -----------------------------------------------------------------------------


class Category(models.TextChoices):
    PRODUCT = "product", _("product (pricing, features)")
    MARKET_STRATEGY = "market_strategy", _("market strategy")
    CONTRACT = "contract", _("contract")
    CHANNEL = "channel", _("channel (territory or price conflict)")
    LOGISTICS = "logistics", _("logistics")
    QUALITY = "quality", _("quality")
    COMMISSION = "commission", _("commission")
    OTHER = "other", _("other")


class Priority(models.TextChoices):
    EMERGENCY = "emergency", _("emergency")
    HIGH = "high", _("high")
    NORMAL = "normal", _("normal")
    LOW = "low", _("low")


#: the queue a new ticket goes to, by category
CATEGORY_GROUPS = {
    Category.PRODUCT: "channel_manager",
    Category.MARKET_STRATEGY: "channel_manager",
    Category.CONTRACT: "legal",
    Category.CHANNEL: "channel_manager",
    Category.LOGISTICS: "support",
    Category.QUALITY: "support",
    Category.COMMISSION: "finance",
    Category.OTHER: "support",
}


class SlaPolicy(models.Model):
    """Targets and escalation chain for a (category, priority); a blank category is the
    fallback for the priority. Tickets take a snapshot at opening: edits apply to tickets
    opened afterwards."""

    class CalendarKind(models.TextChoices):
        ALWAYS = "24x7", _("24x7 (calendar minutes)")
        BUSINESS = "business", _("the region's business calendar")

    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("Blank: any category (the fallback for the priority)."),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(_("first response target (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution target (minutes)"))
    calendar_kind = models.CharField(
        _("calendar"), max_length=10, choices=CalendarKind.choices, default=CalendarKind.BUSINESS
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = audited_history()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["priority", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "priority"],
                name="slapolicy_unique_category_priority",
                violation_error_message=_("A policy for this category and priority exists."),
            ),
            models.CheckConstraint(
                name="slapolicy_targets_positive",
                condition=models.Q(first_response_minutes__gt=0, resolution_minutes__gt=0),
                violation_error_message=_("Targets must be at least one minute."),
            ),
        ]

    def __str__(self):
        category = self.get_category_display() if self.category else _("any category")
        return f"{category} · {self.get_priority_display()}"


class EscalationStep(models.Model):
    """``(trigger, level, group)``: when the trigger fires, the ticket goes to ``level`` and
    the group's queue. Triggers: ``first_response_breach``, ``resolution_percent:N``,
    ``resolution_breach``, ``elapsed:<minutes>`` (wall-clock minutes since opening)."""

    policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="steps"
    )
    trigger = models.CharField(
        _("trigger"),
        max_length=40,
        help_text=_(
            "first_response_breach, resolution_percent:N, resolution_breach or elapsed:<minutes>"
        ),
    )
    level = models.PositiveSmallIntegerField(_("level"))
    group = models.CharField(_("group"), max_length=40, choices=STAFF_GROUP_CHOICES)

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["policy", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "level"],
                name="escalationstep_unique_level",
                violation_error_message=_("The policy already has a step at this level."),
            ),
            models.CheckConstraint(
                name="escalationstep_level_positive",
                condition=models.Q(level__gte=1),
                violation_error_message=_("Levels start at 1."),
            ),
        ]

    def __str__(self):
        return f"L{self.level} {self.group} @ {self.trigger}"

    def clean(self):
        try:
            calculations.parse_trigger(self.trigger)
        except ValueError:
            raise ValidationError(
                {
                    "trigger": ValidationError(
                        _(
                            "Use first_response_breach, resolution_percent:N (1–100), "
                            "resolution_breach or elapsed:<minutes>."
                        ),
                        code="invalid_trigger",
                    )
                }
            ) from None


# --- tickets ------------------------------------------------------------------------------


class TicketQuerySet(TenantQuerySet):
    def dealer_filter(self, dealer_id: int) -> models.Q:
        # the raising dealer, and for channel tickets the counter-party
        return models.Q(dealer=dealer_id) | models.Q(counterparty=dealer_id)


class Ticket(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        WAITING_ON_DEALER = "waiting_on_dealer", _("waiting on dealer")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed")

    class SlaState(models.TextChoices):
        ON_TRACK = "on_track", _("on track")
        AT_RISK = "at_risk", _("at risk")
        BREACHED = "breached", _("breached")
        PAUSED = "paused", _("paused")
        MET = "met", _("met")

    Category = Category
    Priority = Priority

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
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
    opened_at = models.DateTimeField(_("opened"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
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
        return f"#{self.pk} {self.title}"

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
        S = self.SlaState
        if self.status in (self.Status.RESOLVED, self.Status.CLOSED):
            late = self.resolved_within_target is False or self.breach_recorded
            return S.BREACHED if late else S.MET
        breached = (self.first_response_at is None and _passed(self.first_response_due, now)) or (
            _passed(self.resolution_due, now)
        )
        if breached or self.breach_recorded:
            return S.BREACHED
        if self.status == self.Status.WAITING_ON_DEALER:
            return S.PAUSED
        if _passed(self.warning_at, now):
            return S.AT_RISK
        return S.ON_TRACK

    @property
    def sla_state(self) -> str:
        from django.utils import timezone

        return self.sla_state_at(timezone.now())

    @property
    def breach_recorded(self) -> bool:
        """A first response given after its due time stays a breach."""
        return bool(
            self.first_response_at
            and self.first_response_due
            and self.first_response_at > self.first_response_due
        )


def _passed(instant, now) -> bool:
    return instant is not None and instant <= now


class PauseInterval(models.Model):
    """The ledger of time the SLA clock stood still: waiting on the dealer, or resolved."""

    class Reason(models.TextChoices):
        WAITING = "waiting_on_dealer", _("waiting on dealer")
        RESOLVED = "resolved", _("resolved")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="pauses"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

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
        return f"{self.reason} {self.started_at:%Y-%m-%d %H:%M}–{self.ended_at or '…'}"


class TicketCommentQuerySet(TenantQuerySet):
    tenant_field = "ticket__dealer"

    def dealer_filter(self, dealer_id: int) -> models.Q:
        return (
            models.Q(ticket__dealer=dealer_id) | models.Q(ticket__counterparty=dealer_id)
        ) & models.Q(internal=False)


class TicketComment(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_label = models.CharField(_("author"), max_length=200, blank=True)
    by_staff = models.BooleanField(_("by the manufacturer"), default=False)
    internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Internal notes are seen by staff only.")
    )
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written"))

    objects = TicketCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["ticket", "created_at", "pk"]

    def __str__(self):
        return f"#{self.ticket_id} {self.author_label}: {self.body[:40]}"


class TicketAttachmentQuerySet(TicketCommentQuerySet):
    def dealer_filter(self, dealer_id: int) -> models.Q:
        return models.Q(ticket__dealer=dealer_id) | models.Q(ticket__counterparty=dealer_id)


def attachment_path(instance, filename):
    return f"tickets/{instance.ticket_id}/{filename}"


class TicketAttachment(models.Model):
    """A PDF, JPEG or PNG of at most 10 MB, checked by content (DOMAIN.md §3.1)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments"
    )
    comment = models.ForeignKey(
        TicketComment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by_label = models.CharField(_("uploaded by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = TicketAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["ticket", "created_at", "pk"]

    def __str__(self):
        return self.name


class TicketEvent(models.Model):
    """The timeline: every change to a ticket."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("opened")
        COMMENTED = "commented", _("commented")
        NOTE = "note", _("internal note")
        FIRST_RESPONSE = "first_response", _("first response")
        STATUS = "status", _("status changed")
        PRIORITY = "priority", _("priority or category changed")
        ASSIGNED = "assigned", _("assigned")
        ATTACHED = "attached", _("file attached")
        WARNED = "warned", _("80 % warning sent")
        ESCALATED = "escalated", _("escalated")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("when"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    public = models.BooleanField(_("shown to dealers"), default=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["ticket", "at", "pk"]

    def __str__(self):
        return f"#{self.ticket_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def detail_label(self) -> str:
        """A short, translated detail for the timeline (the new status, the level …)."""
        if self.kind == self.Kind.STATUS and self.data.get("new") in Ticket.Status.values:
            return str(Ticket.Status(self.data["new"]).label)
        if self.kind == self.Kind.PRIORITY:
            new = self.data.get("new", {})
            if new.get("priority") in Priority.values:
                return str(Priority(new["priority"]).label)
        if self.kind == self.Kind.ESCALATED:
            return f"L{self.data.get('level')}"
        return ""


class Escalation(models.Model):
    """One escalation of a ticket to a level; ``(ticket, level)`` happens once."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="escalations"
    )
    level = models.PositiveSmallIntegerField(_("level"))
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


class ChannelConflict(models.Model):
    """A sale shipped into another dealer's exclusive territory, and the ticket it opened."""

    sale_line = models.ForeignKey(
        "commissions.SaleLine",
        verbose_name=_("sale line"),
        on_delete=models.PROTECT,
        related_name="channel_conflicts",
    )
    territory = models.ForeignKey(
        "dealers.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="channel_conflicts",
    )
    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="channel_conflict",
    )
    created_at = models.DateTimeField(_("detected"), auto_now_add=True)

    class Meta:
        verbose_name = _("channel conflict")
        verbose_name_plural = _("channel conflicts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sale_line", "territory"],
                name="channelconflict_once_per_sale_territory",
            )
        ]

    def __str__(self):
        return f"{self.sale_line_id} × {self.territory_id}"
