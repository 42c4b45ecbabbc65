"""Dealer applications (DOMAIN.md §3.1): what a prospective dealer submits at ``/apply/``.

Imported by ``dealers.models``; writes go through ``dealers.services``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealers import calculations
from portal.access import actor_from
from portal.audit import audited_history
from portal.inputs import MAX_TEXT

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
PENDING_STATES = ("submitted", "under_review")


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, who):
        """Applications are staff-only: dealers (and anyone else) see none."""

        return self.all() if actor_from(who).manufacturer else self.none()

    def pending(self):
        return self.filter(status__in=PENDING_STATES)


class Application(models.Model):
    """A company's application to become a dealer; staff review, score and decide it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        UNDER_REVIEW = "under_review", _("under review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    company_name = models.CharField(_("company name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        validators=[calculations.validate_credit_code],
    )
    contact_name = models.CharField(_("contact person"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40)
    requested_regions = models.ManyToManyField(
        "dealers.Region", verbose_name=_("requested regions"), related_name="applications"
    )
    requested_product_lines = models.ManyToManyField(
        "dealers.ProductLine",
        verbose_name=_("requested product lines"),
        related_name="applications",
    )
    annual_revenue = models.DecimalField(
        _("annual revenue (CNY)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    sales_team_size = models.PositiveIntegerField(_("sales-team size"))
    warehouse_area = models.PositiveIntegerField(_("warehouse area (m²)"))
    self_assessment = models.TextField(_("self-assessment"), max_length=5000)

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    score_capital = models.PositiveSmallIntegerField(
        _("capital strength (1–5)"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    score_sales = models.PositiveSmallIntegerField(
        _("sales capability (1–5)"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    score_market = models.PositiveSmallIntegerField(
        _("market capability (1–5)"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    score_service = models.PositiveSmallIntegerField(
        _("service capability (1–5)"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    review_notes = models.TextField(_("review notes (internal)"), blank=True, max_length=MAX_TEXT)
    dealer_code = models.CharField(
        _("dealer code on approval"),
        max_length=32,
        blank=True,
        help_text=_("Blank: generated from the application number."),
    )
    rejection_reason = models.TextField(
        _("rejection reason"), blank=True, help_text=_("Sent to the applicant.")
    )
    dealer = models.OneToOneField(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    submitted_from = models.GenericIPAddressField(_("submitted from"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)

    objects = ApplicationQuerySet.as_manager()
    history = audited_history(m2m_fields=[])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=models.Q(status__in=PENDING_STATES),
                name="application_credit_code_unique_pending",
                violation_error_message=_("An application with this credit code is pending."),
            ),
            models.CheckConstraint(
                name="application_rejection_has_reason",
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                violation_error_message=_("A rejection needs a reason."),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.company_name}"

    @property
    def scores(self) -> dict[str, int | None]:
        return {
            "capital": self.score_capital,
            "sales": self.score_sales,
            "market": self.score_market,
            "service": self.score_service,
        }

    @property
    def weighted_score(self) -> Decimal | None:
        return calculations.application_weighted_score(self.scores)

    @property
    def recommendation(self) -> str | None:
        return calculations.application_recommendation(self.weighted_score)

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATES


def application_document_path(instance, filename):
    # Never trust the uploaded name for the stored path.
    return f"applications/{instance.application.number}/{instance.kind}-{instance.sha256[:16]}.{instance.extension}"


class ApplicationDocument(models.Model):
    """A document attached to an application (business licence etc.), checked by content."""

    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", _("business licence")
        OTHER = "other", _("other document")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=application_document_path, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["application", "kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def extension(self) -> str:
        return calculations.DOCUMENT_EXTENSIONS.get(self.content_type, "bin")
