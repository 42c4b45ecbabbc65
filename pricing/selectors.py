"""Reads of the pricing app, scoped in one place."""

from __future__ import annotations

from django.db.models import Prefetch

from portal.access import actor_from
from pricing.models import Campaign, CampaignMaterial, PriceGuide, PricingTicket, Promotion


def price_guide_list_visible_to(who):
    """Price guidance is for every dealer: staff and dealers see all guides."""
    actor = actor_from(who)
    if not (actor.manufacturer or actor.is_dealer):
        return PriceGuide.objects.none()
    return PriceGuide.objects.select_related("product", "region")


def campaign_list_visible_to(who):
    """Campaign frameworks are announced to dealers: staff and dealers see them all."""
    actor = actor_from(who)
    if not (actor.manufacturer or actor.is_dealer):
        return Campaign.objects.none()
    return Campaign.objects.prefetch_related(
        "products",
        "product_lines",
        "regions",
        Prefetch("materials", queryset=CampaignMaterial.objects.order_by("pk")),
    )


def promotion_list_visible_to(who):
    """Staff see every promotion; a dealer its own."""
    return (
        Promotion.objects.visible_to(who)
        .select_related("dealer", "campaign")
        .prefetch_related("regions")
    )


def pricing_ticket_for(*, dealer_id: int, product_id: int, month) -> PricingTicket | None:
    return (
        PricingTicket.objects.filter(dealer_id=dealer_id, product_id=product_id, month=month)
        .select_related("ticket")
        .first()
    )
