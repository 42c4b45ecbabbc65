"""Stock rotation between dealers (DOMAIN.md §16): suggestions computed nightly from days
of cover, and transfers that move stock through the inventory ledger.

Writes go through ``rotation.services``; reads through ``rotation.selectors``."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.access import actor_from
from portal.audit import audited_history

QUANTITY = {"max_digits": 14, "decimal_places": 3}


class PartyQuerySet(models.QuerySet):
    """Rows that involve two dealers: a dealer sees those where it is either party."""

    def visible_to(self, who):
        actor = actor_from(who)
        if actor.manufacturer:
            return self
        if actor.dealer_id is None:
            return self.none()
        return self.filter(
            Q(source_dealer_id=actor.dealer_id) | Q(destination_dealer_id=actor.dealer_id)
        )


class TwoParties:
    """A row between a source and a destination dealer."""

    def role_for(self, actor) -> str | None:
        """``send`` or ``receive`` for a dealer party; None for staff (or no one)."""
        if actor is None or actor.manufacturer or actor.dealer_id is None:
            return None
        return "send" if actor.dealer_id == self.source_dealer_id else "receive"


class TransferSuggestion(TwoParties, models.Model):
    """One suggested move of a product between two dealers of a province, with the figures
    it was computed from (so the page can explain it). Replaced on each run."""

    province = models.ForeignKey(
        "dealers.Region", verbose_name=_("province"), on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        "dealers.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    source_dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("from dealer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    destination_dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("to dealer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    min_days_cover = models.DecimalField(_("minimum days of cover"), max_digits=8, decimal_places=2)
    max_days_cover = models.DecimalField(_("maximum days of cover"), max_digits=8, decimal_places=2)
    source_stock = models.DecimalField(_("source stock"), **QUANTITY)
    source_daily_sales = models.DecimalField(
        _("source daily sales"), max_digits=14, decimal_places=3
    )
    source_surplus = models.DecimalField(_("source surplus"), **QUANTITY)
    destination_stock = models.DecimalField(_("destination stock"), **QUANTITY)
    destination_daily_sales = models.DecimalField(
        _("destination daily sales"), max_digits=14, decimal_places=3
    )
    destination_need = models.DecimalField(_("destination need"), **QUANTITY)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock transfer suggestion")
        verbose_name_plural = _("stock transfer suggestions")
        ordering = ["province__code", "product__sku", "-quantity", "pk"]
        indexes = [models.Index(fields=["province", "product"], name="suggestion_province_idx")]
        constraints = [
            models.CheckConstraint(
                name="suggestion_quantity_positive", condition=Q(quantity__gt=0)
            ),
            models.CheckConstraint(
                name="suggestion_two_dealers",
                condition=~Q(source_dealer=models.F("destination_dealer")),
            ),
        ]

    def __str__(self):
        return f"{self.province.code} {self.product.sku}: {self.quantity}"


class StockTransfer(TwoParties, models.Model):
    """Stock moved from one dealer's warehouse to another's: proposed → accepted (by both
    dealers) → shipped (source −q, ``transfer_out``) → received (destination +q,
    ``transfer_in``); cancellable before shipping."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("transfer status", "proposed")
        ACCEPTED = "accepted", pgettext_lazy("transfer status", "accepted")
        SHIPPED = "shipped", pgettext_lazy("transfer status", "shipped")
        RECEIVED = "received", pgettext_lazy("transfer status", "received")
        CANCELLED = "cancelled", pgettext_lazy("transfer status", "cancelled")

    product = models.ForeignKey(
        "dealers.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(
        _("quantity"), validators=[MinValueValidator(Decimal("0.001"))], **QUANTITY
    )
    source_warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("from warehouse"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    destination_warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("to warehouse"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("from dealer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    destination_dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("to dealer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggestion = models.ForeignKey(
        TransferSuggestion,
        verbose_name=_("suggestion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfers",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.CharField(_("proposed by"), max_length=200)
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    source_accepted_at = models.DateTimeField(_("accepted by sender"), null=True, blank=True)
    destination_accepted_at = models.DateTimeField(
        _("accepted by receiver"), null=True, blank=True
    )
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=500, blank=True)
    last_changed_by = models.CharField(_("last changed by"), max_length=200, blank=True)

    objects = PartyQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("stock transfer")
        verbose_name_plural = _("stock transfers")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["source_dealer", "status"], name="transfer_source_idx"),
            models.Index(fields=["destination_dealer", "status"], name="transfer_dest_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="transfer_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(
                name="transfer_two_dealers",
                condition=~Q(source_dealer=models.F("destination_dealer")),
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.product.sku} ×{self.quantity} ({self.get_status_display()})"

    @property
    def both_accepted(self) -> bool:
        return self.source_accepted_at is not None and self.destination_accepted_at is not None

    def counterparty_visible(self) -> bool:
        """The other dealer is named to a dealer only once both have accepted (§16)."""
        return self.both_accepted

    def ledger_request_id(self, step: str) -> str:
        return f"transfer:{self.pk}:{step}"


