"""Campaign frameworks (staff) and local promotions (dealers), DOMAIN.md §13: headquarters
sets the frame (总部指导), regions set the details (区域自主).

A promotion must lie inside the dealer's territories for the campaign's product lines;
inside every range of its campaign (discount, dates, regions) it is approved at once,
otherwise it waits for the region's channel manager, who approves it or rejects it with a
reason. A new campaign is announced (``collaboration``) to the dealers of its regions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from collaboration.models import Announcement
from collaboration.services import announcement_publish
from dealers.models import Dealer, Territory
from dealers.selectors import dealer_members, region_channel_managers
from portal.access import actor_from
from portal.files import MAX_DOCUMENT_BYTES, display_name, sniff_document_type, stored_name
from portal.messages import Message
from portal.notifications import notification_send
from pricing import calculations as calc
from pricing.models import Campaign, CampaignMaterial, Promotion
from pricing.selectors import regions_nesting


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _rate(field: str, value) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise _error(field, _("Enter a fraction between 0 and 1."), "invalid") from None
    if not rate.is_finite() or not 0 <= rate <= 1:
        raise _error(field, _("Enter a fraction between 0 and 1."), "invalid")
    if rate != rate.quantize(Decimal("0.0001")):
        raise _error(field, _("Use at most four decimal places."), "max_decimal_places")
    return rate


def _dates(starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    if starts_on is None:
        raise _error("starts_on", _("This field is required."), "required")
    if ends_on is None:
        raise _error("ends_on", _("This field is required."), "required")
    if ends_on < starts_on:
        raise _error("ends_on", _("The end date cannot be before the start date."), "invalid")


def campaign_url(campaign: Campaign) -> str:
    return f"/api/v1/campaigns/{campaign.pk}/"


@transaction.atomic
def campaign_create(
    *,
    actor,
    code: str,
    name: str,
    regions,
    starts_on: dt.date,
    ends_on: dt.date,
    min_discount,
    max_discount,
    products=(),
    product_lines=(),
    description: str = "",
    mdf_share=None,
    now: dt.datetime | None = None,
) -> Campaign:
    """Create a campaign framework (staff) and announce it to the dealers of its regions
    (those whose home region is inside one, and those with a territory there)."""
    who = actor_from(actor)
    if not who.manufacturer:
        raise PermissionDenied(_("Only the manufacturer sets campaign frameworks."))
    now = now or timezone.now()
    regions, products, product_lines = list(regions), list(products), list(product_lines)
    if not regions:
        raise _error("regions", _("Name at least one region."), "required")
    if not products and not product_lines:
        raise _error("products", _("Name at least one product or product line."), "required")
    _dates(starts_on, ends_on)
    low, high = _rate("min_discount", min_discount), _rate("max_discount", max_discount)
    if high < low:
        raise _error(
            "max_discount",
            _("The maximum discount cannot be below the minimum discount."),
            "invalid",
        )
    share = None if mdf_share in (None, "") else _rate("mdf_share", mdf_share)
    campaign = Campaign(
        code=(code or "").strip().upper(),
        name=(name or "").strip(),
        description=description or "",
        starts_on=starts_on,
        ends_on=ends_on,
        min_discount=low,
        max_discount=high,
        mdf_share=share,
        created_at=now,
        created_by=who.label,
    )
    campaign.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError:
        raise _error("code", _("A campaign with this code exists."), "unique") from None
    campaign.regions.set(regions)
    campaign.products.set(products)
    campaign.product_lines.set(product_lines)
    _announce(campaign, who, now)
    return campaign


def campaign_dealers(campaign: Campaign):
    """The dealers of a campaign's regions: home region or a territory that nests with one
    of them (the same, above or below: a Guangdong holder hears of a Shenzhen campaign) —
    the dealers whose Promotions page shows the campaign."""
    q = regions_nesting("region__code", list(campaign.regions.values_list("code", flat=True)))
    holders = Territory.objects.filter(q).values("dealer_id")
    return Dealer.objects.exclude(status=Dealer.Status.TERMINATED).filter(q | Q(pk__in=holders))


def _announce(campaign: Campaign, who, now) -> None:
    user = who.user if who.api_key is None else None
    announcement = Announcement.objects.create(
        kind=Announcement.Kind.CAMPAIGN,
        title=f"{campaign.code} {campaign.name}"[:200],
        body=campaign.description or campaign.name,
        discount_min=(campaign.min_discount * 100).quantize(Decimal("0.01")),
        discount_max=(campaign.max_discount * 100).quantize(Decimal("0.01")),
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        audience=Announcement.Audience.SELECTED,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    announcement.regions.set(campaign.regions.all())
    announcement.dealers.set(campaign_dealers(campaign))
    announcement_publish(actor=who, announcement=announcement, now=now)


@transaction.atomic
def campaign_material_add(*, actor, campaign: Campaign, upload) -> CampaignMaterial:
    """Attach a material (PDF, JPEG or PNG of at most 10 MB, checked by content)."""
    who = actor_from(actor)
    if not who.manufacturer:
        raise PermissionDenied(_("Only the manufacturer adds campaign materials."))
    if upload.size > MAX_DOCUMENT_BYTES:
        raise _error("file", _("Files may be at most 10 MB."), "too_large")
    upload.seek(0)
    content_type = sniff_document_type(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise _error("file", _("Only PDF, JPEG and PNG files are accepted."), "invalid_type")
    material = CampaignMaterial(
        campaign=campaign,
        name=display_name(getattr(upload, "name", "")),
        content_type=content_type,
        size=upload.size,
        uploaded_by=who.label,
    )
    material.file.save(stored_name(content_type), upload, save=False)
    material.save()
    return material


def _product_line_ids(campaign: Campaign) -> set[int]:
    ids = set(campaign.product_lines.values_list("pk", flat=True))
    ids |= set(campaign.products.values_list("product_line_id", flat=True))
    return ids


def _inside_territories(dealer, region, line_ids, starts_on, ends_on) -> bool:
    """Whether one of the dealer's territories for a campaign product line contains the
    region for the whole promotion."""
    return (
        Territory.objects.filter(
            dealer=dealer,
            product_line_id__in=line_ids,
            region__code__in=region.ancestors_and_self_codes(),
            starts_on__lte=starts_on,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=ends_on))
        .exists()
    )


def promotion_outside(campaign: Campaign, *, discount, starts_on, ends_on, regions) -> list[str]:
    """Which of the campaign's ranges a promotion leaves: ``discount``, ``dates``,
    ``regions`` (empty: inside every range)."""
    outside = []
    if not campaign.min_discount <= discount <= campaign.max_discount:
        outside.append("discount")
    if starts_on < campaign.starts_on or ends_on > campaign.ends_on:
        outside.append("dates")
    codes = list(campaign.regions.values_list("code", flat=True))
    if not all(any(calc.region_contains(c, r.code) for c in codes) for r in regions):
        outside.append("regions")
    return outside


def promotion_url(promotion: Promotion) -> str:
    """Where a notification about a promotion leads: its row on the Promotions page (the
    dealer's list, or the channel manager's decision queue)."""
    return f"/promotions/#promotion-{promotion.pk}"


@transaction.atomic
def promotion_submit(
    *,
    actor,
    campaign: Campaign,
    discount,
    starts_on: dt.date,
    ends_on: dt.date,
    regions,
    dealer=None,
    now: dt.datetime | None = None,
) -> Promotion:
    """A dealer's local promotion inside ``campaign`` (staff may submit one for a dealer).
    Its regions must lie inside the dealer's territories for the campaign's product lines
    (``outside_territory``). Inside every range of the campaign it is approved at once;
    otherwise pending, and the regions' channel managers are notified."""
    who = actor_from(actor)
    now = now or timezone.now()
    if who.is_dealer:
        dealer = who.dealer
    elif not who.manufacturer:
        raise PermissionDenied(_("You may not submit promotions."))
    if dealer is None:
        raise _error("dealer", _("This field is required."), "required")
    if who.is_dealer and not dealer.can_write():
        raise _error("dealer", dealer.read_only_message(), "dealer_read_only")
    regions = list(regions)
    if not regions:
        raise _error("regions", _("Name at least one region."), "required")
    _dates(starts_on, ends_on)
    discount = _rate("discount", discount)
    line_ids = _product_line_ids(campaign)
    for region in regions:
        if not _inside_territories(dealer, region, line_ids, starts_on, ends_on):
            raise _error(
                "regions",
                _("%(region)s is not inside your territories for this campaign's products.")
                % {"region": region.code},
                "outside_territory",
            )
    outside = promotion_outside(
        campaign, discount=discount, starts_on=starts_on, ends_on=ends_on, regions=regions
    )
    promotion = Promotion.objects.create(
        dealer=dealer,
        campaign=campaign,
        discount=discount,
        starts_on=starts_on,
        ends_on=ends_on,
        status=Promotion.Status.PENDING if outside else Promotion.Status.APPROVED,
        outside=outside,
        decided_by="" if outside else "system",
        decided_at=None if outside else now,
        created_at=now,
        created_by=who.label,
    )
    promotion.regions.set(regions)
    if outside:
        notification_send(
            recipients=_promotion_managers(regions),
            kind="pricing.promotion_pending",
            title=Message(
                gettext_noop("Promotion of %(dealer)s in %(campaign)s awaits your decision"),
                dealer=dealer.code,
                campaign=campaign.code,
            ),
            url=promotion_url(promotion),
        )
    return promotion


def _promotion_managers(regions) -> list:
    """Who decides a promotion of ``regions``: the channel managers of each region (or of
    its nearest ancestor that has any), each once — notified on submit, checked on decide."""
    managers = {u.pk: u for region in regions for u in region_channel_managers(region)}
    return list(managers.values())


def _check_region_manager(who, promotion: Promotion) -> None:
    """A pending promotion waits for the channel managers of its regions (those notified:
    of each region, or of its nearest ancestor that has any); a manager of other regions
    does not decide it. Manufacturer keys and superusers may; when none of its regions has a
    manager, any channel manager may."""
    user = who.user if who.api_key is None else None
    if user is None or user.is_superuser:
        return
    managers = {u.pk for u in _promotion_managers(promotion.regions.all())}
    if managers and user.pk not in managers:
        raise PermissionDenied(
            _("Only a channel manager of the promotion's regions decides this promotion.")
        )


@transaction.atomic
def promotion_decide(
    *, actor, promotion: Promotion, approve: bool, reason: str = "", now=None
) -> Promotion:
    """A channel manager approves or rejects (with a reason) a pending promotion; the
    dealer's users are notified."""
    who = actor_from(actor)
    if not who.manufacturer or not (who.api_key is not None or who.in_group("channel_manager")):
        raise PermissionDenied(_("Only channel managers decide on promotions."))
    promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
    _check_region_manager(who, promotion)
    if promotion.status != Promotion.Status.PENDING:
        raise _error("status", _("This promotion is already decided."), "already_decided")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise _error("reason", _("Give the dealer a reason."), "required")
    promotion.status = Promotion.Status.APPROVED if approve else Promotion.Status.REJECTED
    promotion.reason = reason
    promotion.decided_by = who.label
    promotion.decided_at = now or timezone.now()
    promotion.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    notification_send(
        recipients=[m.user for m in dealer_members(dealer=promotion.dealer)],
        kind="pricing.promotion_decided",
        title=Message(
            gettext_noop("Your promotion in %(campaign)s was %(status)s"),
            campaign=promotion.campaign.code,
            status=Message.choice(Promotion, "status", promotion.status),
        ),
        body=reason,
        url=promotion_url(promotion),
    )
    return promotion
