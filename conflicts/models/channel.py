"""Channel conflicts: a sale shipped into another dealer's exclusive territory."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from conflicts.models.tickets import Ticket


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


class DealConflict(models.Model):
    """Two dealers registered the same customer, or a registration lies inside another
    dealer's exclusive territory (DOMAIN.md §12), and the ``channel`` ticket it opened: one
    per pair, linked to both registrations (or to the registration and the territory)."""

    registration = models.ForeignKey(
        "deals.DealRegistration",
        verbose_name=_("registration"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    earlier = models.ForeignKey(
        "deals.DealRegistration",
        verbose_name=_("earlier registration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
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
    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="deal_conflict",
    )
    created_at = models.DateTimeField(_("detected"), auto_now_add=True)

    class Meta:
        verbose_name = _("deal conflict")
        verbose_name_plural = _("deal conflicts")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="dealconflict_earlier_or_territory",
                condition=models.Q(earlier__isnull=False, territory__isnull=True)
                | models.Q(earlier__isnull=True, territory__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["registration", "earlier"],
                condition=models.Q(earlier__isnull=False),
                name="dealconflict_once_per_pair",
            ),
            models.UniqueConstraint(
                fields=["registration", "territory"],
                condition=models.Q(territory__isnull=False),
                name="dealconflict_once_per_territory",
            ),
        ]

    def __str__(self):
        return f"{self.registration_id} × {self.earlier_id or self.territory_id}"
