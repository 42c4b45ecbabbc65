"""Deal registration (DOMAIN.md §12): a dealer registers an end customer's opportunity
before selling; the first to register wins, conflicts become tickets, protected deals pay.

Writes go through ``deals.services``; reads through ``deals.selectors``; the key, the
names and the protection window are ``deals.calculations``."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealers.calculations import validate_credit_code
from deals import calculations
from portal.access import TenantQuerySet
from portal.audit import audited_history
from portal.inputs import MAX_TEXT


class DealRegistrationQuerySet(TenantQuerySet):
    def live(self, *, today):
        """Registrations that hold a customer (§12): submitted, under review, or approved and
        still protected on ``today`` (the manufacturer's date)."""
        S = DealRegistration.Status
        return self.filter(
            Q(status__in=[S.SUBMITTED, S.UNDER_REVIEW])
            | Q(status=S.APPROVED, protected_until__gte=today)
        )


class DealRegistration(models.Model):
    """One end-customer opportunity registered by a dealer (§12).

    ``submitted → approved | rejected``, ``submitted → conflict | under_review → approved |
    rejected``, then ``approved → won | lost | expired``. The customer's key, normalised
    name, province and corporate e-mail domain are derived on submit and never edited."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("deal status", "submitted")
        CONFLICT = "conflict", pgettext_lazy("deal status", "conflict")
        UNDER_REVIEW = "under_review", pgettext_lazy("deal status", "under review")
        APPROVED = "approved", pgettext_lazy("deal status", "approved")
        REJECTED = "rejected", pgettext_lazy("deal status", "rejected")
        WON = "won", pgettext_lazy("deal status", "won")
        LOST = "lost", pgettext_lazy("deal status", "lost")
        EXPIRED = "expired", pgettext_lazy("deal status", "expired")

    class Extension(models.TextChoices):
        NONE = "", pgettext_lazy("deal extension", "none")
        REQUESTED = "requested", pgettext_lazy("deal extension", "requested")
        APPROVED = "approved", pgettext_lazy("deal extension", "approved")
        DECLINED = "declined", pgettext_lazy("deal extension", "declined")

    #: waiting for staff to decide
    OPEN_STATUSES = (Status.SUBMITTED, Status.CONFLICT, Status.UNDER_REVIEW)

    number = models.CharField(
        _("number"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="deal_registrations",
    )
    customer_name = models.CharField(_("end customer"), max_length=200)
    customer_credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    customer_region = models.ForeignKey(
        "dealers.Region",
        verbose_name=_("customer's city or province"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer_email = models.EmailField(_("customer contact e-mail"), blank=True)
    province = models.ForeignKey(
        "dealers.Region",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    customer_key = models.CharField(_("customer key"), max_length=200, editable=False)
    customer_name_key = models.CharField(_("normalised name"), max_length=200, editable=False)
    customer_domain = models.CharField(
        _("corporate e-mail domain"), max_length=255, blank=True, editable=False
    )
    product_lines = models.ManyToManyField(
        "dealers.ProductLine", verbose_name=_("product lines"), related_name="+"
    )
    estimated_amount = models.DecimalField(
        _("estimated amount"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3)
    expected_close_on = models.DateField(_("expected close date"))
    notes = models.TextField(_("notes"), blank=True, max_length=MAX_TEXT)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(pgettext_lazy("timestamp", "submitted"))
    submitted_by = models.CharField(_("submitted by"), max_length=200, blank=True)
    decided_at = models.DateTimeField(pgettext_lazy("timestamp", "decided"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, max_length=MAX_TEXT)
    protected_until = models.DateField(
        _("protected through"),
        null=True,
        blank=True,
        help_text=_("The last day of protection (through 23:59:59 manufacturer time)."),
    )
    extension = models.CharField(
        _("extension"), max_length=10, choices=Extension.choices, blank=True, default=""
    )
    extension_reason = models.TextField(_("why more time"), blank=True, max_length=MAX_TEXT)
    extension_requested_at = models.DateTimeField(_("extension requested"), null=True, blank=True)
    extension_decided_at = models.DateTimeField(_("extension decided"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("timestamp", "closed"), null=True, blank=True)

    objects = DealRegistrationQuerySet.as_manager()
    history = audited_history(m2m_fields=[])

    class Meta:
        verbose_name = _("deal registration")
        verbose_name_plural = _("deal registrations")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["customer_credit_code"], name="deal_credit_code_idx"),
            models.Index(fields=["province", "customer_name_key"], name="deal_province_name_idx"),
            models.Index(fields=["customer_domain"], name="deal_domain_idx"),
            models.Index(fields=["status", "protected_until"], name="deal_status_until_idx"),
            models.Index(fields=["dealer", "status"], name="deal_dealer_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="deal_estimated_amount_not_negative",
                condition=Q(estimated_amount__gte=0),
                violation_error_message=_("The estimated amount cannot be negative."),
            ),
            models.CheckConstraint(
                name="deal_protected_when_approved",
                condition=~Q(status__in=["approved", "won", "lost", "expired"])
                | Q(protected_until__isnull=False),
                violation_error_message=_("An approved deal has a protection end."),
            ),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    def clean(self):
        region = getattr(self, "customer_region", None) if self.customer_region_id else None
        if region is not None and region.kind not in (region.Kind.PROVINCE, region.Kind.CITY):
            raise ValidationError(
                {
                    "customer_region": ValidationError(
                        _("Name the customer's city or province."), code="invalid_region"
                    )
                }
            )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def protection_days_left(self, today) -> int | None:
        """Whole days of protection left after ``today`` (0 on the last day) while approved;
        None otherwise."""
        if self.status != self.Status.APPROVED:
            return None
        return calculations.days_left(self.protected_until, today)

    #: statuses of a registration whose protection window still stands for the sales made
    #: inside it: an expired one was protected through its last day (a line sold then and
    #: reported after the daily expiry still names it); a lost one gave the customer up
    PROTECTING_STATUSES = (Status.APPROVED, Status.WON, Status.EXPIRED)

    def protected_on(self, day) -> bool:
        """Whether the deal protected its dealer on ``day`` (a manufacturer date): approved,
        won or since expired, and ``day`` not past its last day of protection (§12: the
        deal is "protected at ``sold_at``", whenever the line is reported)."""
        return (
            self.status in self.PROTECTING_STATUSES
            and self.protected_until is not None
            and day <= self.protected_until
        )


class DealMatch(models.Model):
    """What the matching on submit found for a registration (§12): another dealer's live
    registration of the same customer, or an exclusive territory of another dealer
    (``conflict``); or a registration with a similar name in the province
    (``similar``, for staff to review). Staff only: a dealer never sees another dealer's
    customer data."""

    class Kind(models.TextChoices):
        CONFLICT = "conflict", pgettext_lazy("deal match", "conflict")
        SIMILAR = "similar", pgettext_lazy("deal match", "similar name")

    class Reason(models.TextChoices):
        CREDIT_CODE = "credit_code", _("same unified social credit code")
        NAME = "name", _("same name in the province")
        EMAIL_DOMAIN = "email_domain", _("same corporate e-mail domain")
        TERRITORY = "territory", _("inside another dealer's exclusive territory")
        SIMILAR_NAME = "similar_name", _("similar name in the province")

    registration = models.ForeignKey(
        DealRegistration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="matches",
    )
    other = models.ForeignKey(
        DealRegistration,
        verbose_name=_("earlier registration"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    territory = models.ForeignKey(
        "dealers.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    other_dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("other dealer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    similarity = models.DecimalField(
        _("similarity"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "found"), auto_now_add=True)

    class Meta:
        verbose_name = _("deal match")
        verbose_name_plural = _("deal matches")
        ordering = ["registration", "pk"]
        constraints = [
            models.CheckConstraint(
                name="dealmatch_other_or_territory",
                condition=Q(other__isnull=False, territory__isnull=True)
                | Q(other__isnull=True, territory__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["registration", "other"],
                condition=Q(other__isnull=False),
                name="dealmatch_once_per_pair",
            ),
            models.UniqueConstraint(
                fields=["registration", "territory"],
                condition=Q(territory__isnull=False),
                name="dealmatch_once_per_territory",
            ),
        ]

    def __str__(self):
        return f"{self.registration} ~ {self.other or self.territory}"

    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [str(labels.get(reason, reason)) for reason in self.reasons]
