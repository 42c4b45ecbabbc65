"""Price-breach detection on every sales batch (DOMAIN.md §13), set-based.

For a batch, a fixed number of queries resolve every line's guide and the approved
promotions that cover it (whatever the number of lines); each line with a guide is recorded
once as a :class:`~pricing.models.PriceCheck` (which feeds price discipline), and each
breaching line as a :class:`~pricing.models.PriceBreach` on the one ``pricing`` ticket of its
(dealer, product, month): opened through the conflicts ticket services with the breaching
lines listed, and later breaches of that month appended to it as a comment. Only opening or
appending to a ticket costs queries per ticket (not per line).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from commissions.models import SaleLine
from conflicts.models import Category, Priority
from conflicts.services import SYSTEM, ticket_comment, ticket_open
from dealers.models import Dealer, Product
from portal.clock import manufacturer_date
from portal.messages import Message
from portal.periods import Month
from pricing import calculations as calc
from pricing.models import Campaign, PriceBreach, PriceCheck, PriceGuide, PricingTicket, Promotion

#: at most this many lines are written into a ticket's text; all are in its breach list
LISTED_LINES = 100

LINE_FIELDS = (
    "id",
    "dealer_id",
    "product_id",
    "product__product_line_id",
    "product__currency",
    "external_id",
    "quantity",
    "amount",
    "currency",
    "sold_at",
    "ship_to_region_id",
    "ship_to_region__code",
)


def guides_by_product(product_ids, region_codes, until: dt.datetime) -> dict:
    """{product id: [GuideRow]} of the guides that may apply to lines of these products
    shipped to these regions until ``until`` (one query)."""
    ancestors = sorted({a for code in region_codes for a in calc.ancestors_and_self(code)})
    rows = PriceGuide.objects.filter(
        Q(region__isnull=True) | Q(region__code__in=ancestors),
        product_id__in=product_ids,
        effective_from__lte=until,
    ).values_list("id", "product_id", "region__code", "effective_from", "list_price", "floor_price")
    guides: dict[int, list[calc.GuideRow]] = defaultdict(list)
    for row in rows:
        guides[row[1]].append(calc.GuideRow(*row))
    return guides


def promotions_covering(dealer_ids, first_day: dt.date, last_day: dt.date) -> list[dict]:
    """The approved promotions of these dealers that run on some day of [first, last], each
    with its discount, days, region codes, product ids and product-line ids (four queries)."""
    promotions = list(
        Promotion.objects.filter(
            dealer_id__in=dealer_ids,
            status=Promotion.Status.APPROVED,
            starts_on__lte=last_day,
            ends_on__gte=first_day,
        ).values("id", "dealer_id", "campaign_id", "discount", "starts_on", "ends_on")
    )
    if not promotions:
        return []
    regions = defaultdict(list)
    for pid, code in Promotion.regions.through.objects.filter(
        promotion_id__in=[p["id"] for p in promotions]
    ).values_list("promotion_id", "region__code"):
        regions[pid].append(code)
    campaign_ids = {p["campaign_id"] for p in promotions}
    products, lines = defaultdict(set), defaultdict(set)
    for cid, product_id in Campaign.products.through.objects.filter(
        campaign_id__in=campaign_ids
    ).values_list("campaign_id", "product_id"):
        products[cid].add(product_id)
    for cid, line_id in Campaign.product_lines.through.objects.filter(
        campaign_id__in=campaign_ids
    ).values_list("campaign_id", "productline_id"):
        lines[cid].add(line_id)
    for p in promotions:
        p["regions"] = regions[p["id"]]
        p["products"] = products[p["campaign_id"]]
        p["product_lines"] = lines[p["campaign_id"]]
    return promotions


def _best_promotion(promotions, line, day):
    """The approved promotion with the largest discount covering the line's dealer,
    product, ship-to region and day, or None."""
    best = None
    for p in promotions:
        if p["dealer_id"] != line["dealer_id"] or not p["starts_on"] <= day <= p["ends_on"]:
            continue
        if line["product_id"] not in p["products"] and (
            line["product__product_line_id"] not in p["product_lines"]
        ):
            continue
        code = line["ship_to_region__code"]
        if not any(calc.region_contains(r, code) for r in p["regions"]):
            continue
        if best is None or p["discount"] > best["discount"]:
            best = p
    return best


def judge_lines(lines: list[dict]) -> list[dict]:
    """Each positive line with a guide, judged: its guide, promotion, unit price, effective
    floor, whether it is at or above the floor and whether it is a breach (a fixed number
    of queries for any number of lines)."""
    lines = [line for line in lines if line["quantity"] > 0]
    if not lines:
        return []
    guides = guides_by_product(
        {line["product_id"] for line in lines},
        {line["ship_to_region__code"] for line in lines},
        max(line["sold_at"] for line in lines),
    )
    days = [manufacturer_date(line["sold_at"]) for line in lines]
    promotions = promotions_covering({line["dealer_id"] for line in lines}, min(days), max(days))
    judged = []
    for line, day in zip(lines, days, strict=True):
        if line["currency"] != line["product__currency"]:
            continue  # a guide is in the product's currency: no conversion
        guide = calc.resolve_guide(
            guides.get(line["product_id"], []),
            region_code=line["ship_to_region__code"],
            at=line["sold_at"],
        )
        if guide is None:
            continue
        promotion = _best_promotion(promotions, line, day)
        floor = calc.effective_floor(
            list_price=guide.list_price,
            floor_price=guide.floor_price,
            discount=promotion["discount"] if promotion else None,
        )
        unit = calc.unit_price(amount=line["amount"], quantity=line["quantity"])
        judged.append(
            {
                **line,
                "day": day,
                "month": Month.of(line["sold_at"]),
                "guide_id": guide.id,
                "promotion_id": promotion["id"] if promotion else None,
                "unit": unit,
                "floor": floor,
                "at_floor": calc.at_or_above_floor(unit=unit, floor=floor),
                "breach": calc.is_breach(unit=unit, floor=floor),
            }
        )
    return judged


def _line_text(line) -> str:
    """A breaching line in a language-neutral form (codes and figures only)."""
    quantity = line["quantity"].normalize()
    unit = line["unit"].quantize(calc.CENT)
    return (
        f"{line['external_id']} · {line['day']:%Y-%m-%d} · {quantity:f} × {unit} < {line['floor']}"
    )


def _lines_text(lines) -> str:
    text = "\n".join(_line_text(line) for line in lines[:LISTED_LINES])
    if len(lines) > LISTED_LINES:
        text += f"\n… +{len(lines) - LISTED_LINES}"
    return text


def _open_ticket(dealer, product, month: Month, lines, now) -> PricingTicket:
    ticket = ticket_open(
        actor=SYSTEM,
        dealer=dealer,
        category=Category.PRICING,
        priority=Priority.NORMAL,
        title=Message(
            gettext_noop("Price breach: %(sku)s by %(dealer)s in %(month)s"),
            sku=product.sku,
            dealer=dealer.code,
            month=str(month),
        ),
        description=Message(
            gettext_noop(
                "%(dealer)s sold %(sku)s below its effective floor price (by more than the "
                "0.5 %% tolerance) in %(month)s. Lines (reference · day · quantity × unit "
                "price < effective floor):\n%(lines)s"
            ),
            dealer=dealer.name,
            sku=product.sku,
            month=str(month),
            lines=_lines_text(lines),
        ),
        now=now,
    )
    return PricingTicket.objects.create(
        dealer=dealer, product=product, month=month.first_day, ticket=ticket
    )


def _append(link: PricingTicket, lines, now) -> None:
    try:
        ticket_comment(actor=SYSTEM, ticket=link.ticket, body=_lines_text(lines), now=now)
    except ValidationError:
        pass  # a closed ticket takes no comment; the breaches are still listed on it


def price_breaches_check(*, sale_line_ids: list[int], now: dt.datetime | None = None) -> dict:
    """Check the lines (``sales.recorded``) against their guides: record each positive line
    with a guide once (price discipline), and each breach on its (dealer, product, month)
    ``pricing`` ticket, opened or appended to. Idempotent: a line already checked is
    skipped. Returns counts (``checked``, ``breaches``, ``tickets_opened``,
    ``tickets_appended``)."""
    now = now or timezone.now()
    with transaction.atomic():
        lines = list(SaleLine.objects.filter(pk__in=list(sale_line_ids)).values(*LINE_FIELDS))
        done = set(
            PriceCheck.objects.filter(sale_line_id__in=[line["id"] for line in lines]).values_list(
                "sale_line_id", flat=True
            )
        )
        judged = judge_lines([line for line in lines if line["id"] not in done])
        PriceCheck.objects.bulk_create(
            [
                PriceCheck(
                    sale_line_id=line["id"],
                    dealer_id=line["dealer_id"],
                    region_id=line["ship_to_region_id"],
                    month=line["month"].first_day,
                    amount=line["amount"],
                    at_or_above_floor=line["at_floor"],
                    breach=line["breach"],
                )
                for line in judged
            ],
            ignore_conflicts=True,
        )
        breaching = defaultdict(list)
        for line in judged:
            if line["breach"]:
                breaching[(line["dealer_id"], line["product_id"], line["month"])].append(line)
        counts = {"checked": len(judged), "breaches": 0, "tickets_opened": 0, "tickets_appended": 0}
        if not breaching:
            return counts
        counts["breaches"] = sum(len(v) for v in breaching.values())
        dealers = Dealer.objects.select_related("tier", "region").in_bulk({k[0] for k in breaching})
        products = Product.objects.in_bulk({k[1] for k in breaching})
        links = {
            (link.dealer_id, link.product_id, Month.of(link.month)): link
            for link in PricingTicket.objects.filter(
                dealer_id__in={k[0] for k in breaching},
                product_id__in={k[1] for k in breaching},
                month__in={k[2].first_day for k in breaching},
            ).select_related("ticket")
        }
        rows = []
        for key in sorted(breaching, key=lambda k: (k[0], k[1], k[2])):
            dealer_id, product_id, month = key
            group = breaching[key]
            link = links.get(key)
            if link is None:
                try:
                    with transaction.atomic():
                        link = _open_ticket(
                            dealers[dealer_id], products[product_id], month, group, now
                        )
                    counts["tickets_opened"] += 1
                except IntegrityError:  # opened meanwhile by a concurrent check
                    link = PricingTicket.objects.select_related("ticket").get(
                        dealer_id=dealer_id, product_id=product_id, month=month.first_day
                    )
                    _append(link, group, now)
                    counts["tickets_appended"] += 1
            else:
                _append(link, group, now)
                counts["tickets_appended"] += 1
            rows += [
                PriceBreach(
                    sale_line_id=line["id"],
                    dealer_id=dealer_id,
                    pricing_ticket=link,
                    guide_id=line["guide_id"],
                    promotion_id=line["promotion_id"],
                    unit_price=line["unit"].quantize(Decimal("0.0001")),
                    effective_floor=line["floor"],
                    detected_at=now,
                )
                for line in group
            ]
        PriceBreach.objects.bulk_create(rows, ignore_conflicts=True)
        return counts
