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
