"""Statement components: one line of a statement with how it was derived (DOMAIN.md §6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commissions.models import (
    LOCKED_STATUSES,
    CommissionStatement,
    SaleLine,
    statement_locked_error,
)
from portal.access import TenantManager
from portal.inputs import MAX_TEXT


class StatementComponent(models.Model):
    """One line of a statement with how it was derived (the dealer's "how we computed this")."""

    class Kind(models.TextChoices):
        BASE = "base", _("base commission")
        STEP = "step", _("step bonus")
        TIER = "tier", _("tier bonus")
        LATE = "late", _("late sale line")
        ADJUSTMENT = "adjustment", _("adjustment")
        QUARTER_BONUS = "quarter_bonus", _("quarter bonus")
        ANNUAL_BONUS = "annual_bonus", _("annual bonus")
        DEAL = "deal", pgettext_lazy("statement component", "deal bonus")
        PRICE_PROTECTION = "price_protection", _("price protection")
        MDF = "mdf", pgettext_lazy("statement component", "marketing funds")

    COMPUTED_KINDS = ("base", "step", "tier", "late")
    BONUS_KINDS = ("quarter_bonus", "annual_bonus")
    #: credits booked by other concerns (commissions.services.credits), once per source
    CREDIT_KINDS = ("price_protection", "mdf")

    statement = models.ForeignKey(
        CommissionStatement,
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        related_name="components",
    )
    dealer = models.ForeignKey(
        "dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    derivation = models.JSONField(_("how we computed this"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=MAX_TEXT)
    sale_line = models.ForeignKey(
        SaleLine,
        verbose_name=_("sale line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="late_components",
    )
    bonus_period = models.CharField(
        _("bonus period"), max_length=8, blank=True, help_text=_("e.g. 2026Q4 or 2026.")
    )
    source_key = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("What a booked credit pays for, e.g. a price guide or an MDF claim."),
    )
    created_by = models.CharField(_("created by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("statement component")
        verbose_name_plural = _("statement components")
        ordering = ["statement", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "kind"],
                condition=models.Q(kind__in=["base", "step", "tier"]),
                name="component_computed_once_per_statement",
            ),
            models.UniqueConstraint(
                fields=["sale_line"],
                condition=models.Q(kind="late"),
                name="component_late_line_once",
                violation_error_message=_("This late line is already counted."),
            ),
            models.UniqueConstraint(
                fields=["dealer", "bonus_period", "kind"],
                condition=models.Q(kind__in=["quarter_bonus", "annual_bonus"]),
                name="component_bonus_once_per_period",
                violation_error_message=_("This bonus is already booked."),
            ),
            models.UniqueConstraint(
                fields=["dealer", "kind", "source_key"],
                condition=models.Q(kind__in=["price_protection", "mdf"]),
                name="component_credit_once_per_source",
                violation_error_message=_("This credit is already booked."),
            ),
            models.CheckConstraint(
                name="component_credit_has_source",
                condition=~models.Q(kind__in=["price_protection", "mdf"])
                | ~models.Q(source_key=""),
                violation_error_message=_("A credit names what it pays for."),
            ),
            models.CheckConstraint(
                name="component_adjustment_has_reason",
                condition=~models.Q(kind="adjustment") | ~models.Q(reason=""),
                violation_error_message=_("An adjustment needs a reason."),
            ),
            models.CheckConstraint(
                name="component_late_has_line",
                condition=~models.Q(kind="late") | models.Q(sale_line__isnull=False),
                violation_error_message=_("A late component refers to its sale line."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        """Components of approved and paid statements never change (one query to check)."""
        self._refuse_if_locked()
        super().save(*args, **kwargs)

    save.alters_data = True

    def get_absolute_url(self) -> str:
        """Its row on its statement's page (a dispute ticket links here)."""
        return f"/statements/{self.statement_id}/#component-{self.pk}"

    def delete(self, *args, **kwargs):
        self._refuse_if_locked()
        return super().delete(*args, **kwargs)

    delete.alters_data = True

    def _refuse_if_locked(self) -> None:
        ids = {self.statement_id}
        stored = getattr(self, "_stored_statement_id", None)
        if stored is not None:
            ids.add(stored)
        locked = (
            CommissionStatement._base_manager.filter(pk__in=ids, status__in=LOCKED_STATUSES)
            .values_list("pk", "status")
            .first()
        )
        if locked:
            raise statement_locked_error(*locked)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "statement_id" in field_names:
            instance._stored_statement_id = values[field_names.index("statement_id")]
        return instance

    @property
    def dispute_url(self) -> str:
        return f"/tickets/dispute/?subject=commissions.statementcomponent:{self.pk}"

    @property
    def dispute_label(self) -> str:
        """How a dispute ticket names what it disputes: the statement and the component."""
        return _("Statement %(period)s · %(component)s") % {
            "period": self.statement.period_label,
            "component": self.get_kind_display(),
        }
