"""Channel conflicts: a sale shipped into another dealer's exclusive territory opens a
``channel`` ticket (DOMAIN.md §2)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from commissions.models import SaleLine
from conflicts.models import Category, ChannelConflict, Priority
from conflicts.services._common import SYSTEM, _dealer_users, _notify, ticket_url
from conflicts.services.tickets import ticket_open
from dealers.selectors import exclusive_territories_covering
from portal.messages import Message


def channel_conflicts_open_for_sale_lines(*, sale_line_ids: list[int]) -> int:
    """Open one ``channel`` ticket per (sale line, exclusive territory of another dealer that
    covers the line's ship-to region for its product line on the sale date), exactly once
    (a unique constraint). The territory's holder raises it; the seller is the
    counter-party. Returns the number of tickets opened. Returns (negative lines) are not
    conflicts."""
    opened = 0
    lines = (
        SaleLine.objects.filter(pk__in=list(sale_line_ids), quantity__gt=0)
        .select_related("dealer__tier", "product__product_line", "ship_to_region__parent")
        .order_by("pk")
    )
    system = SYSTEM
    for line in lines:
        zone = ZoneInfo(line.ship_to_region.effective_time_zone)
        territories = exclusive_territories_covering(
            region=line.ship_to_region,
            product_line_id=line.product.product_line_id,
            on_date=line.sold_at.astimezone(zone).date(),
            exclude_dealer_id=line.dealer_id,
        )
        for territory in territories:
            if ChannelConflict.objects.filter(sale_line=line, territory=territory).exists():
                continue
            try:
                with transaction.atomic():
                    ticket = ticket_open(
                        actor=system,
                        dealer=territory.dealer,
                        counterparty=line.dealer,
                        category=Category.CHANNEL,
                        priority=Priority.NORMAL,
                        title=Message(
                            gettext_noop(
                                "Sale %(ref)s by %(seller)s shipped into exclusive territory "
                                "%(region)s"
                            ),
                            ref=line.external_id,
                            seller=line.dealer.code,
                            region=territory.region.code,
                        ),
                        description=Message(
                            gettext_noop(
                                "%(seller)s reported sale %(ref)s of %(sku)s (%(line)s) on "
                                "%(day)s, shipped to %(ship_to)s, inside %(holder)s's exclusive "
                                "territory %(region)s."
                            ),
                            seller=line.dealer.name,
                            ref=line.external_id,
                            sku=line.product.sku,
                            line=Message.names(line.product.product_line),
                            day=line.sold_at.astimezone(zone).date(),
                            ship_to=line.ship_to_region.code,
                            holder=territory.dealer.name,
                            region=territory.region.code,
                        ),
                        subject=line,
                        region=line.ship_to_region,
                    )
                    ChannelConflict.objects.create(
                        sale_line=line, territory=territory, ticket=ticket
                    )
            except IntegrityError:
                continue  # opened concurrently by another ingestion
            opened += 1
            _notify(
                _dealer_users(territory.dealer, "sales") + _dealer_users(line.dealer, "sales"),
                kind="ticket.channel_conflict",
                title=Message(gettext_noop("Channel conflict ticket #%(id)s opened"), id=ticket.pk),
                body=ticket.title_param(),
                url=ticket_url(ticket),
            )
    return opened
