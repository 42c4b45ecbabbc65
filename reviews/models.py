"""Quarterly reviews (DOMAIN.md §8): computed figures, staff scores, weights, acknowledgement.

Tables keep their original names (``dealers_quarterlyreview``, ``dealers_reviewweights``):
they were created by the dealers app. Writes go through ``reviews.services``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.access import TenantManager
from portal.audit import audited_history
from portal.inputs import MAX_TEXT

quarter_validator = RegexValidator(
    r"^\d{4}Q[1-4]$", _("Use the form 2026Q4."), code="invalid_quarter"
)
SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
WEIGHT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class ReviewWeights(models.Model):
    """The weights of the overall review score (one row, ``pk=1``; edit it in the admin).

    Each component is scored 0–100 (see ``reviews.calculations``); the overall score is
    the weighted mean of the components that have a value."""

    attainment = models.DecimalField(
        _("target attainment weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("40"),
        validators=WEIGHT_VALIDATORS,
    )
    sla = models.DecimalField(
        _("SLA compliance weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=WEIGHT_VALIDATORS,
    )
    stock_freshness = models.DecimalField(
        _("stock-data freshness weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=WEIGHT_VALIDATORS,
    )
    satisfaction = models.DecimalField(
        _("customer satisfaction weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15"),
        validators=WEIGHT_VALIDATORS,
    )
    communication = models.DecimalField(
        _("communication weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15"),
        validators=WEIGHT_VALIDATORS,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = audited_history(table_name="dealers_historicalreviewweights")

    class Meta:
        db_table = "dealers_reviewweights"
        verbose_name = _("review weights")
        verbose_name_plural = _("review weights")
        constraints = [
            models.CheckConstraint(
                name="reviewweights_singleton",
                condition=models.Q(pk=1),
                violation_error_message=_("There is only one set of review weights."),
            )
        ]

    def __str__(self):
        return str(_("Review weights"))

    def clean(self):
        if sum(self.as_dict().values()) <= 0:
            raise ValidationError(
                _("At least one weight must be greater than zero."), code="weights_all_zero"
            )

    def as_dict(self) -> dict[str, Decimal]:
        return {
            "attainment": self.attainment or Decimal("0"),
            "sla": self.sla or Decimal("0"),
            "stock_freshness": self.stock_freshness or Decimal("0"),
            "satisfaction": self.satisfaction or Decimal("0"),
            "communication": self.communication or Decimal("0"),
        }

    @classmethod
    def current(cls) -> "ReviewWeights":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class QuarterlyReview(models.Model):
    """One dealer's review of one quarter. ``draft`` until staff finalise it; the quarterly
    job refreshes a draft's computed figures and never touches a final review."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        FINAL = "final", _("final")

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="quarterly_reviews",
    )
    quarter = models.CharField(_("quarter"), max_length=6, validators=[quarter_validator])
    status = models.CharField(
        _("status"), max_length=5, choices=Status.choices, default=Status.DRAFT
    )
    # -- computed figures (refreshed while draft) ---------------------------------------
    net_sales = models.DecimalField(
        _("net sales"), max_digits=16, decimal_places=2, default=Decimal("0.00")
    )
    previous_net_sales = models.DecimalField(
        _("previous quarter's net sales"), max_digits=16, decimal_places=2, default=Decimal("0.00")
    )
    target = models.DecimalField(
        _("quarterly target"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    attainment = models.DecimalField(
        _("target attainment"),
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Net sales ÷ quarterly target (1 = 100 %)."),
    )
    growth = models.DecimalField(
        _("growth on the previous quarter"),
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("0.10 = +10 %; empty when the previous quarter had no sales."),
    )
    sla_compliance = models.DecimalField(
        _("SLA compliance"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Share of tickets resolved within target (0–1)."),
    )
    median_first_response_minutes = models.PositiveIntegerField(
        _("median time to first response (SLA minutes)"), null=True, blank=True
    )
    median_resolution_minutes = models.PositiveIntegerField(
        _("median time to resolution (SLA minutes)"), null=True, blank=True
    )
    tickets_raised = models.PositiveIntegerField(_("tickets raised"), null=True, blank=True)
    stock_freshness = models.DecimalField(
        _("stock-data freshness"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Share of the dealer's warehouses synced in the last 7 days (0–1)."),
    )
    certified_staff = models.PositiveIntegerField(_("certified staff"), null=True, blank=True)
    outcomes = models.JSONField(
        _("job outcomes"),
        default=dict,
        blank=True,
        help_text=_("Tier evaluation and bonuses of the last run, and figures not available."),
    )
    computed_at = models.DateTimeField(_("figures computed"), null=True, blank=True)
    # -- staff assessment ----------------------------------------------------------------
    satisfaction_score = models.PositiveSmallIntegerField(
        _("customer satisfaction (1–5)"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    communication_score = models.PositiveSmallIntegerField(
        _("communication (1–5)"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    notes = models.TextField(_("notes"), blank=True, max_length=MAX_TEXT)
    overall_score = models.DecimalField(
        _("overall score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Weighted 0–100."),
    )
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # -- dealer acknowledgement ----------------------------------------------------------
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dealer_comment = models.TextField(_("dealer's comment"), blank=True, max_length=MAX_TEXT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()
    history = audited_history(table_name="dealers_historicalquarterlyreview")

    class Meta:
        db_table = "dealers_quarterlyreview"
        verbose_name = _("quarterly review")
        verbose_name_plural = _("quarterly reviews")
        ordering = ["-quarter", "dealer__code"]
        permissions = [("finalise_quarterlyreview", _("Can finalise quarterly reviews"))]
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "quarter"],
                name="quarterlyreview_one_per_dealer_quarter",
                violation_error_message=_("This dealer already has a review for this quarter."),
            ),
            models.CheckConstraint(
                name="quarterlyreview_scores_1_to_5",
                condition=(
                    (
                        models.Q(satisfaction_score__isnull=True)
                        | models.Q(satisfaction_score__gte=1, satisfaction_score__lte=5)
                    )
                    & (
                        models.Q(communication_score__isnull=True)
                        | models.Q(communication_score__gte=1, communication_score__lte=5)
                    )
                ),
                violation_error_message=_("Scores are from 1 to 5."),
            ),
            models.CheckConstraint(
                name="quarterlyreview_final_has_time",
                condition=models.Q(status="draft") | models.Q(finalised_at__isnull=False),
                violation_error_message=_("A final review records when it was finalised."),
            ),
            models.CheckConstraint(
                name="quarterlyreview_ack_only_final",
                condition=models.Q(acknowledged_at__isnull=True) | models.Q(status="final"),
                violation_error_message=_("Only a final review can be acknowledged."),
            ),
        ]
        indexes = [models.Index(fields=["quarter", "status"], name="review_quarter_status_idx")]

    def __str__(self):
        return f"{self.dealer.code} {self.quarter}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL
