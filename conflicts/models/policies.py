"""SLA policies: categories, priorities, the queue per category, targets and escalation
steps."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conflicts import calculations
from portal.audit import audited_history

STAFF_GROUP_CHOICES = [
    ("channel_manager", _("channel managers")),
    ("finance", _("finance")),
    ("support", _("support")),
    ("legal", _("legal")),
    ("executive", _("executive")),
]


class Category(models.TextChoices):
    PRODUCT = "product", _("product (features)")
    PRICING = "pricing", _("pricing (price policy, price breaches)")
    MARKET_STRATEGY = "market_strategy", _("market strategy")
    CONTRACT = "contract", _("contract")
    CHANNEL = "channel", _("channel (territory or price conflict)")
    LOGISTICS = "logistics", _("logistics")
    QUALITY = "quality", _("quality")
    COMMISSION = "commission", _("commission")
    OTHER = "other", _("other")


class Priority(models.TextChoices):
    EMERGENCY = "emergency", pgettext_lazy("ticket priority", "emergency")
    HIGH = "high", pgettext_lazy("ticket priority", "high")
    NORMAL = "normal", pgettext_lazy("ticket priority", "normal")
    LOW = "low", pgettext_lazy("ticket priority", "low")


#: the queue a new ticket goes to, by category
CATEGORY_GROUPS = {
    Category.PRODUCT: "channel_manager",
    Category.PRICING: "channel_manager",
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
    level = models.PositiveSmallIntegerField(pgettext_lazy("escalation", "level"))
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
