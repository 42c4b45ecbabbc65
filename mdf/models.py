"""Joint marketing funds, MDF (DOMAIN.md §14): a fund per dealer with its append-only
ledger, requests for co-funded activities, and claims with proof files.

Writes go through ``mdf.services``; reads through ``mdf.selectors``.

The ledger has two signed columns per movement: the effect on the dealer's *available*
amount and on its *reserved* amount. ``Fund.available`` and ``Fund.reserved`` are their sums,
kept under the fund's row lock and never below zero (database checks); ``check_mdf_ledger``
verifies the sums. A PostgreSQL trigger refuses updates and deletes of movements.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mdf import calculations
from portal.access import TenantManager
from portal.audit import audited_history
from portal.files import stored_name

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class Fund(models.Model):
    """A dealer's marketing fund: the row every movement locks, with the running sums of its
    ledger (available and reserved)."""

    dealer = models.OneToOneField(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="mdf_fund",
    )
    available = models.DecimalField(_("available"), default=ZERO, **MONEY)
    reserved = models.DecimalField(
        pgettext_lazy("marketing funds", "reserved"), default=ZERO, **MONEY
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = TenantManager()

    class Meta:
        verbose_name = _("marketing fund")
        verbose_name_plural = _("marketing funds")
        ordering = ["dealer__code"]
        constraints = [
            models.CheckConstraint(
                name="mdf_fund_available_not_negative", condition=Q(available__gte=0)
            ),
            models.CheckConstraint(
                name="mdf_fund_reserved_not_negative", condition=Q(reserved__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.dealer.code}: {self.available}"


class Movement(models.Model):
    """One movement of a fund (append-only)."""

    class Kind(models.TextChoices):
        ACCRUAL = "accrual", pgettext_lazy("marketing funds", "accrual")
        ALLOCATION = "allocation", pgettext_lazy("marketing funds", "allocation")
        RESERVATION = "reservation", pgettext_lazy("marketing funds", "reservation")
        RELEASE = "release", pgettext_lazy("marketing funds", "release")
        PAYMENT = "payment", pgettext_lazy("marketing funds", "payment")
        EXPIRY = "expiry", pgettext_lazy("marketing funds", "expiry")

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="movements"
    )
    dealer = models.ForeignKey(
        "dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    available_delta = models.DecimalField(_("change of available"), **MONEY)
    reserved_delta = models.DecimalField(_("change of reserved"), **MONEY)
    available_after = models.DecimalField(_("available after"), **MONEY)
    quarter = models.CharField(_("quarter"), max_length=6, blank=True)
    expires_on = models.DateField(_("usable through"), null=True, blank=True)
    request = models.ForeignKey(
        "mdf.FundRequest",
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
    )
    claim = models.ForeignKey(
        "mdf.Claim",
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    derivation = models.JSONField(_("derivation"), default=dict, blank=True)
    source_key = models.CharField(_("source"), max_length=100, unique=True)
    created_by = models.CharField(_("recorded by"), max_length=200)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = TenantManager()

    class Meta:
        verbose_name = _("fund movement")
        verbose_name_plural = _("fund movements")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["fund", "created_at"], name="mdf_movement_fund_idx")]
        constraints = [
            models.CheckConstraint(name="mdf_movement_amount_positive", condition=Q(amount__gt=0))
        ]

    def __str__(self):
        return f"{self.dealer_id} {self.kind} {self.amount}"


class FundRequest(models.Model):
    """A dealer's request to co-fund a marketing activity."""

    class ActivityType(models.TextChoices):
        EVENT = "event", pgettext_lazy("marketing activity", "event")
        ADVERTISING = "advertising", pgettext_lazy("marketing activity", "advertising")
        EXHIBITION = "exhibition", pgettext_lazy("marketing activity", "exhibition")
        TRAINING = "training", pgettext_lazy("marketing activity", "training")
        DIGITAL = "digital", pgettext_lazy("marketing activity", "digital")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("marketing funds request", "submitted")
        AWAITING_EXECUTIVE = (
            "awaiting_executive",
            pgettext_lazy("marketing funds request", "awaiting executive approval"),
        )
        APPROVED = "approved", pgettext_lazy("marketing funds request", "approved")
        REJECTED = "rejected", pgettext_lazy("marketing funds request", "rejected")
        CLAIMED = "claimed", pgettext_lazy("marketing funds request", "claimed")
        PAID = "paid", pgettext_lazy("marketing funds request", "paid")
        LAPSED = "lapsed", pgettext_lazy("marketing funds request", "lapsed")

    dealer = models.ForeignKey(
        "dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT, related_name="+"
    )
    activity_type = models.CharField(
        _("activity type"), max_length=12, choices=ActivityType.choices
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    regions = models.ManyToManyField(
        "dealers.Region", verbose_name=_("regions"), related_name="+", blank=True
    )
    planned_spend = models.DecimalField(_("planned spend"), **MONEY)
    campaign = models.ForeignKey(
        "pricing.Campaign",
        verbose_name=pgettext_lazy("price", "campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    share = models.DecimalField(
        _("co-funding share"), max_digits=5, decimal_places=4, default=Decimal("0.5")
    )
    requested_amount = models.DecimalField(_("requested amount"), **MONEY)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.CharField(_("submitted by"), max_length=200)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    manager_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by channel manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    manager_approved_label = models.CharField(
        _("approved by channel manager"), max_length=200, blank=True
    )
    manager_approved_at = models.DateTimeField(
        _("approved by channel manager at"), null=True, blank=True
    )
    executive_approved_label = models.CharField(
        _("approved by executive"), max_length=200, blank=True
    )
    executive_approved_at = models.DateTimeField(
        _("approved by executive at"), null=True, blank=True
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    rejected_by = models.CharField(_("rejected by"), max_length=200, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    lapsed_at = models.DateTimeField(_("lapsed"), null=True, blank=True)

    objects = TenantManager()
    history = audited_history()

    class Meta:
        verbose_name = _("marketing funds request")
        verbose_name_plural = _("marketing funds requests")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["dealer", "status"], name="mdf_request_dealer_idx")]
        constraints = [
            models.CheckConstraint(
                name="mdf_request_dates", condition=Q(ends_on__gte=models.F("starts_on"))
            ),
            models.CheckConstraint(
                name="mdf_request_share", condition=Q(share__gt=0) & Q(share__lte=1)
            ),
            models.CheckConstraint(
                name="mdf_request_amount_positive", condition=Q(requested_amount__gt=0)
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def claim_deadline(self):
        return calculations.claim_deadline(self.ends_on)


class Claim(models.Model):
    """A claim for reimbursement of an approved request, with proof files."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("marketing funds claim", "submitted")
        APPROVED = "approved", pgettext_lazy("marketing funds claim", "approved")
        REJECTED = "rejected", pgettext_lazy("marketing funds claim", "rejected")

    request = models.ForeignKey(
        FundRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="claims"
    )
    dealer = models.ForeignKey(
        "dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT, related_name="+"
    )
    actual_spend = models.DecimalField(_("actual spend"), **MONEY)
    reimbursable = models.DecimalField(_("reimbursable"), **MONEY)
    approved_amount = models.DecimalField(_("approved amount"), null=True, blank=True, **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.CharField(_("submitted by"), max_length=200)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    statement_component_id = models.BigIntegerField(_("statement component"), null=True, blank=True)

    objects = TenantManager()
    history = audited_history()

    class Meta:
        verbose_name = _("marketing funds claim")
        verbose_name_plural = _("marketing funds claims")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["submitted", "approved"]),
                name="mdf_one_live_claim",
            ),
            models.CheckConstraint(
                name="mdf_claim_spend_positive", condition=Q(actual_spend__gt=0)
            ),
        ]

    def __str__(self):
        return f"#{self.pk} ({self.request_id})"


def proof_path(instance, filename):
    return f"mdf/{instance.claim_id}/{stored_name(instance.content_type)}"


class ClaimProof(models.Model):
    """A proof file of a claim: PDF, JPEG or PNG of at most 10 MB, by content (§3.1)."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="proofs"
    )
    file = models.FileField(_("file"), upload_to=proof_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = TenantManager()
    tenant_field = "claim__dealer"

    class Meta:
        verbose_name = _("proof file")
        verbose_name_plural = _("proof files")
        ordering = ["claim", "pk"]

    def __str__(self):
        return self.name
