"""Certification programmes, certifications and tier evaluations (DOMAIN.md §4).

Imported by ``dealers.models``; writes go through ``dealers.services``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal import messages
from portal.access import TenantManager
from portal.audit import audited_history
from portal.inputs import MAX_TEXT

period_validator = RegexValidator(
    r"^\d{4}Q[1-4]$", _("A period looks like 2026Q4."), code="invalid_period"
)


class CertificationProgram(models.Model):
    """A technical certification; its ``level`` is the tier it counts towards (and above)."""

    code = models.CharField(pgettext_lazy("identifier", "code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.ForeignKey(
        "dealers.Tier",
        verbose_name=pgettext_lazy("certification level", "level"),
        on_delete=models.PROTECT,
        related_name="certification_programs",
        help_text=_("Counts towards this tier's requirement and every tier below it."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"), default=24, validators=[MinValueValidator(1)]
    )
    description = models.TextField(_("description"), blank=True, max_length=MAX_TEXT)
    active = models.BooleanField(pgettext_lazy("enabled", "active"), default=True)

    history = audited_history()

    class Meta:
        verbose_name = _("certification programme")
        verbose_name_plural = _("certification programmes")
        ordering = ["level__rank", "code"]

    def __str__(self):
        return self.name


class Certification(models.Model):
    """A dealer user's passed certification; it counts until ``expires_on`` (inclusive)."""

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    program = models.ForeignKey(
        CertificationProgram,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    passed_on = models.DateField(_("passed on"))
    expires_on = models.DateField(_("expires on"))
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()
    history = audited_history()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-passed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="certification_expires_after_passing",
                condition=models.Q(expires_on__gte=models.F("passed_on")),
                violation_error_message=_("A certification cannot expire before it was passed."),
            ),
            models.UniqueConstraint(
                fields=["user", "program", "passed_on"],
                name="certification_unique_per_sitting",
                violation_error_message=_("This certification is already recorded."),
            ),
        ]
        indexes = [models.Index(fields=["dealer", "expires_on"], name="cert_dealer_expiry_idx")]

    def __str__(self):
        return f"{self.user} · {self.program.code} · {self.passed_on}"

    def clean(self):
        if self.user_id and self.dealer_id:
            membership = getattr(self.user, "dealer_membership", None)
            if membership is None or membership.dealer_id != self.dealer_id:
                raise ValidationError(
                    {
                        "user": ValidationError(
                            _("The user does not work for this dealer."), code="not_a_member"
                        )
                    }
                )

    def is_valid_on(self, day) -> bool:
        return self.passed_on <= day <= self.expires_on


class TierEvaluation(models.Model):
    """One dealer's evaluation for one quarter, with the figures behind it (idempotent per
    dealer and period: re-running a period updates this row, it never adds one)."""

    class Outcome(models.TextChoices):
        PROMOTED = "promoted", _("promoted")
        KEPT = "kept", _("kept")
        GRACE = "grace", _("below, grace quarter")
        DEMOTED = "demoted", _("demoted")

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="tier_evaluations",
    )
    period = models.CharField(_("period"), max_length=6, validators=[period_validator])
    evaluated_on = models.DateField(_("evaluated on"))
    tier_before = models.ForeignKey(
        "dealers.Tier", verbose_name=_("tier before"), on_delete=models.PROTECT, related_name="+"
    )
    eligible_tier = models.ForeignKey(
        "dealers.Tier",
        verbose_name=_("eligible tier"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    tier_after = models.ForeignKey(
        "dealers.Tier", verbose_name=_("tier after"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    trailing_sales = models.DecimalField(
        _("trailing-four-quarter net sales"), max_digits=16, decimal_places=2
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    certified_users = models.JSONField(
        _("certified users by tier"), default=dict, help_text=_("{tier code: count}")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("tier evaluation")
        verbose_name_plural = _("tier evaluations")
        ordering = ["dealer", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "period"],
                name="tier_evaluation_once_per_period",
                violation_error_message=_("This dealer was already evaluated for this period."),
            )
        ]

    def __str__(self):
        return f"{self.dealer.code} {self.period}: {self.get_outcome_display()}"

    @property
    def below(self) -> bool:
        return self.eligible_tier.rank < self.tier_before.rank


class TierChange(models.Model):
    """A change of a dealer's tier, with its reason and the figures behind it."""

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="tier_changes",
    )
    from_tier = models.ForeignKey(
        "dealers.Tier",
        verbose_name=pgettext_lazy("tier change", "from"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_tier = models.ForeignKey(
        "dealers.Tier",
        verbose_name=pgettext_lazy("tier change", "to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluation = models.OneToOneField(
        TierEvaluation,
        verbose_name=_("evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change",
    )
    reason = models.TextField(_("reason"), max_length=MAX_TEXT)
    #: The reason the evaluation wrote (portal.messages), shown in the reader's language;
    #: ``reason`` then holds its English text. Empty for a reason staff wrote.
    reason_message = models.JSONField(_("reason message"), default=dict, blank=True)
    figures = models.JSONField(_("figures"), default=dict)
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    changed_by = models.CharField(_("changed by"), max_length=200, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.dealer.code}: {self.from_tier.code} → {self.to_tier.code}"

    @property
    def display_reason(self) -> str:
        return messages.render(self.reason_message, self.reason)
