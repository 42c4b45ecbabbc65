"""Reads of the pricing app, scoped in one place."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q

from dealers.models import Region, Territory
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
    return _with_frame(Campaign.objects.all())


def _with_frame(campaigns):
    return campaigns.prefetch_related(
        "products",
        "product_lines",
        "regions",
        Prefetch("materials", queryset=CampaignMaterial.objects.order_by("pk")),
    )


def _territory_codes(dealer, today: dt.date | None) -> set[str]:
    territories = Territory.objects.filter(dealer=dealer)
    if today is not None:
        territories = territories.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return set(territories.values_list("region__code", flat=True))


def dealer_region_codes(dealer, *, today: dt.date | None = None) -> list[str]:
    """The codes of a dealer's regions: its home region and its territories' (those not
    ended by ``today`` when given), one query."""
    return sorted(_territory_codes(dealer, today) | {dealer.region.code})


def regions_nesting(field: str, codes: list[str]) -> Q:
    """Rows whose region ``field`` nests with one of ``codes``: the same region, one above it
    or one below it (a Guangdong campaign applies to a Shenzhen dealer and the other way)."""
    q = Q(pk__in=[])
    for code in codes:
        parts = code.split("-")
        above = ["-".join(parts[: i + 1]) for i in range(len(parts))]
        q |= Q(**{f"{field}__in": above}) | Q(**{f"{field}__startswith": code + "-"})
    return q


def campaign_list_for_dealer(dealer, *, today: dt.date | None = None):
    """The campaign frameworks that apply to a dealer's regions (home region and
    territories, DOMAIN.md §13): one of the campaign's regions nests with one of the
    dealer's. With ``today``: only those not ended, and only territories not ended."""
    codes = dealer_region_codes(dealer, today=today)
    ids = Campaign.regions.through.objects.filter(regions_nesting("region__code", codes))
    campaigns = Campaign.objects.filter(pk__in=ids.values("campaign_id"))
    if today is not None:
        campaigns = campaigns.filter(ends_on__gte=today)
    return _with_frame(campaigns).order_by("starts_on", "code")


def campaign_material_visible_to(who):
    """Materials staff may download (all) and a dealer may (those of the campaigns of its
    regions, ended or not)."""
    actor = actor_from(who)
    if actor.manufacturer:
        return CampaignMaterial.objects.all()
    if not actor.is_dealer:
        return CampaignMaterial.objects.none()
    campaigns = campaign_list_for_dealer(actor.dealer).values("pk")
    return CampaignMaterial.objects.filter(campaign_id__in=campaigns)


def promotion_regions_for_dealer(dealer, *, today: dt.date | None = None):
    """The regions a dealer may name in a promotion: its territories' regions and what lies
    below them (the service decides again, per campaign product line and dates)."""
    q = Q(pk__in=[])
    for code in _territory_codes(dealer, today):
        q |= Q(code=code) | Q(code__startswith=code + "-")
    return Region.objects.filter(q).order_by("code")


def promotion_list_visible_to(who):
    """Staff see every promotion; a dealer its own."""
    return (
        Promotion.objects.visible_to(who)
        .select_related("dealer", "campaign")
        .prefetch_related("regions")
    )


def promotion_list_in_regions(who, *, region_codes: list[str] | None = None):
    """The promotions ``who`` sees; with ``region_codes``, those with a region inside one of
    them (a channel manager's regions)."""
    promotions = promotion_list_visible_to(who)
    if region_codes is not None:
        within = Q(pk__in=[])
        for code in region_codes:
            within |= Q(region__code=code) | Q(region__code__startswith=code + "-")
        ids = Promotion.regions.through.objects.filter(within).values("promotion_id")
        promotions = promotions.filter(pk__in=ids)
    return promotions


def promotions_to_decide(who, *, region_codes: list[str] | None = None):
    """Pending promotions ``who`` sees (within ``region_codes`` when given), oldest first:
    the channel managers' decision queue."""
    return (
        promotion_list_in_regions(who, region_codes=region_codes)
        .filter(status=Promotion.Status.PENDING)
        .order_by("created_at", "pk")
    )


def pricing_ticket_for(*, dealer_id: int, product_id: int, month) -> PricingTicket | None:
    return (
        PricingTicket.objects.filter(dealer_id=dealer_id, product_id=product_id, month=month)
        .select_related("ticket")
        .first()
    )
