"""Commissions: plans (DOMAIN.md §6.2). Sale lines and statements build on these."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.access import TenantManager, TenantQuerySet
from portal.audit import audited_history
from portal.periods import Month

RATE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class CommissionPlan(models.Model):
    """How a dealer's month of net sales becomes commission."""

    class StepMode(models.TextChoices):
        WHOLE = "whole", _("whole month at the highest step reached")
        MARGINAL = "marginal", _("marginal, like tax brackets")

    code = models.CharField(pgettext_lazy("identifier", "code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    base_rate = models.DecimalField(
        _("base rate"), max_digits=5, decimal_places=4, validators=RATE_VALIDATORS
    )
    step_mode = models.CharField(
        _("step mode"), max_length=10, choices=StepMode.choices, default=StepMode.WHOLE
    )
    quarter_bonus_rate = models.DecimalField(
        _("quarter bonus rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=RATE_VALIDATORS,
    )
    annual_bonus_months = models.DecimalField(
        _("annual bonus months"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    deal_bonus_rate = models.DecimalField(
        _("deal bonus rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.01"),
        validators=RATE_VALIDATORS,
        help_text=_("Extra rate on sale lines of the dealer's protected deal registrations."),
    )
    mdf_rate = models.DecimalField(
        _("marketing funds rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.02"),
        validators=RATE_VALIDATORS,
        help_text=_("Share of a quarter's net sales accrued to the dealer's marketing funds."),
    )
    active = models.BooleanField(pgettext_lazy("enabled", "active"), default=True)

    history = audited_history()

    class Meta:
        verbose_name = _("commission plan")
        verbose_name_plural = _("commission plans")
        ordering = ["code"]

    def __str__(self):
        return self.name


class SaleLine(models.Model):
    """One reported sale (DOMAIN.md §6.1). Returns are lines with negative quantity and amount.

    Lines are facts reported by dealers: they are never edited or deleted; a correction is a
    new line (a return)."""

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="sale_lines",
    )
    external_id = models.CharField(_("external id"), max_length=100)
    product = models.ForeignKey(
        "dealers.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="sale_lines",
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    amount = models.DecimalField(_("amount (net of tax)"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    sold_at = models.DateTimeField(_("sold at"))
    ship_to_region = models.ForeignKey(
        "dealers.Region",
        verbose_name=_("ship-to region"),
        on_delete=models.PROTECT,
        related_name="sale_lines",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    counted_in = models.ForeignKey(
        "CommissionStatement",
        verbose_name=_("counted in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counted_lines",
        help_text=_(
            "The approved statement that counted this line, in its month's figures or as a "
            "late line; empty until one is approved."
        ),
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("sale line")
        verbose_name_plural = _("sale lines")
        ordering = ["-sold_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "external_id"],
                name="saleline_external_id_unique_per_dealer",
                violation_error_message=_(
                    "This dealer already reported a line with this external id."
                ),
            ),
            models.CheckConstraint(
                name="saleline_sign_consistent",
                condition=models.Q(quantity__gte=0, amount__gte=0)
                | models.Q(quantity__lte=0, amount__lte=0),
                violation_error_message=_(
                    "A return has a negative quantity and a negative amount."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["dealer", "sold_at"], name="saleline_dealer_sold_idx"),
            models.Index(fields=["sold_at"], name="saleline_sold_idx"),
        ]

    def __str__(self):
        return f"{self.dealer_id}:{self.external_id}"


class PlanStep(models.Model):
    """A threshold on the month's net sales and the bonus rate it unlocks (DOMAIN.md §6.2)."""

    plan = models.ForeignKey(
        CommissionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="steps"
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Reached when the month's net sales are greater than or equal to it."),
    )
    rate = models.DecimalField(
        _("rate"), max_digits=5, decimal_places=4, validators=RATE_VALIDATORS
    )

    history = audited_history()

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["plan", "threshold"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "threshold"],
                name="planstep_threshold_unique_per_plan",
                violation_error_message=_("This plan already has a step at this threshold."),
            ),
            models.CheckConstraint(
                name="planstep_threshold_positive",
                condition=models.Q(threshold__gt=0),
                violation_error_message=_("A threshold must be positive."),
            ),
            models.CheckConstraint(
                name="planstep_rate_0_1",
                condition=models.Q(rate__gte=0, rate__lte=1),
                violation_error_message=_("A rate lies between 0 and 1."),
            ),
        ]

    def __str__(self):
        return f"≥ {self.threshold}: {self.rate}"


class PlanTierBonus(models.Model):
    """Extra rate on the month's net sales for dealers of a certification tier."""

    plan = models.ForeignKey(
        CommissionPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="tier_bonuses",
    )
    tier = models.ForeignKey(
        "dealers.Tier", verbose_name=_("tier"), on_delete=models.PROTECT, related_name="+"
    )
    rate = models.DecimalField(
        _("rate"), max_digits=5, decimal_places=4, validators=RATE_VALIDATORS
    )

    history = audited_history()

    class Meta:
        verbose_name = _("tier bonus")
        verbose_name_plural = _("tier bonuses")
        ordering = ["plan", "tier__rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "tier"],
                name="plantierbonus_unique_per_plan",
                violation_error_message=_("This plan already has a bonus for this tier."),
            ),
            models.CheckConstraint(
                name="plantierbonus_rate_0_1",
                condition=models.Q(rate__gte=0, rate__lte=1),
                violation_error_message=_("A rate lies between 0 and 1."),
            ),
        ]

    def __str__(self):
        return f"{self.tier_id}: {self.rate}"


def statement_locked_error(statement_id, status) -> ValidationError:
    labels = {"approved": _("approved"), "paid": _("paid")}
    return ValidationError(
        _("Commission statement %(id)s is %(status)s: approved and paid statements do not change."),
        code="statement_locked",
        params={"id": statement_id, "status": labels.get(status, status)},
    )


# What marking an approved statement paid may change (the migration 0004 trigger agrees).
PAYMENT_FIELDS = frozenset({"status", "paid_at", "paid_by", "payment_reference"})
LOCKED_STATUSES = ("approved", "paid")


class StatementQuerySet(TenantQuerySet):
    def delete(self):
        """Refuse to delete approved or paid statements (the admin deletes through here)."""
        locked = self.filter(status__in=LOCKED_STATUSES).values_list("pk", "status").first()
        if locked:
            raise statement_locked_error(*locked)
        return super().delete()


class CommissionStatement(models.Model):
    """One dealer's commission for one month (DOMAIN.md §6.3).

    A draft is rebuilt from the sale lines by ``services.statements_build``; approved and paid
    statements never change: services refuse, ``save()``/``delete()`` (and the queryset's
    ``delete()``) raise ``ValidationError(code="statement_locked")`` — the one guard of the
    SQLite demo — and on PostgreSQL a trigger rejects any UPDATE or DELETE that would change
    one (migration 0004). Allowed on an approved statement: only marking it paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")
        PAID = "paid", _("paid")

    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="commission_statements",
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    currency = models.CharField(_("currency"), max_length=3)
    plan = models.ForeignKey(
        CommissionPlan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
    )
    step_mode = models.CharField(_("step mode"), max_length=10, blank=True)
    base_rate = models.DecimalField(
        _("base rate"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    tier_code = models.CharField(_("tier at the end of the month"), max_length=32, blank=True)
    net_sales = models.DecimalField(
        _("net sales"), max_digits=16, decimal_places=2, default=Decimal("0.00")
    )
    line_count = models.PositiveIntegerField(_("sale lines"), default=0)
    total = models.DecimalField(
        _("total"), max_digits=16, decimal_places=2, default=Decimal("0.00")
    )
    computed_at = models.DateTimeField(_("figures computed"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    paid_by = models.CharField(_("paid by"), max_length=200, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = models.Manager.from_queryset(StatementQuerySet)()
    history = audited_history()

    class Meta:
        verbose_name = _("commission statement")
        verbose_name_plural = _("commission statements")
        ordering = ["-period", "dealer"]
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "period"],
                name="statement_unique_per_dealer_month",
                violation_error_message=_("This dealer already has a statement for this month."),
            ),
        ]
        indexes = [models.Index(fields=["period", "status"], name="statement_period_status_idx")]

    def __str__(self):
        return f"{self.dealer_id} {self.period_label}"

    def save(self, *args, **kwargs):
        stored = self._stored_values() if not self._state.adding else {}
        status = stored.get("status")
        if status in LOCKED_STATUSES:
            changed = {
                name
                for name in self._concrete_names()
                if name in stored and getattr(self, name) != stored[name]
            }
            paying = (
                status == self.Status.APPROVED
                and self.status == self.Status.PAID
                and changed <= PAYMENT_FIELDS
            )
            if not paying:
                raise statement_locked_error(self.pk, status)
        super().save(*args, **kwargs)
        self._stored = {name: getattr(self, name) for name in self._concrete_names()}

    save.alters_data = True

    def get_absolute_url(self) -> str:
        return f"/statements/{self.pk}/"

    def delete(self, *args, **kwargs):
        status = self._stored_values().get("status")
        if status in LOCKED_STATUSES or self.status in LOCKED_STATUSES:
            raise statement_locked_error(self.pk, status or self.status)
        return super().delete(*args, **kwargs)

    delete.alters_data = True

    @property
    def dispute_label(self) -> str:
        """How a dispute ticket names the statement it disputes."""
        return _("Statement %(period)s") % {"period": self.period_label}

    @property
    def period_label(self) -> str:
        return str(Month.of(self.period))

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored = dict(zip(field_names, values, strict=True))
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._stored = None  # read again at the next save()

    def _stored_values(self) -> dict:
        stored = getattr(self, "_stored", None)
        if (stored is None or "status" not in stored) and self.pk is not None:
            stored = (
                type(self)._base_manager.filter(pk=self.pk).values(*self._concrete_names()).first()
            )
        return stored or {}

    def _concrete_names(self) -> list[str]:
        return [f.attname for f in self._meta.concrete_fields]


# statement components live in their own module; imported here so Django registers them
from commissions.models.components import StatementComponent  # noqa: E402, F401

# the monthly sales rollup lives in its own module; imported here so Django registers it
from commissions.models.rollup import SalesMonth  # noqa: E402, F401
