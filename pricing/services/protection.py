"""Price protection (DOMAIN.md §13): when a guide that lowers a list price takes effect,
each dealer is credited (old list − new list) × the units it held, per warehouse in the
guide's regions, at the guide's ``effective_from`` — read from the stock ledger as it stood
at that instant (the last movement of each level recorded by then), not from today's levels.

The credit is booked through :func:`commissions.services.credits.book_credit` as a
``price_protection`` component, exactly once per (dealer, guide), with its derivation.
The hourly job (task ``pricing.tasks.book_price_protection``, command
``book_price_protection``) books every guide whose instant has passed; it is recorded as a
job run, and re-running it changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commissions.models import StatementComponent
from commissions.services.credits import book_credit
from dealers.models import Dealer
from inventory.models import StockMovement
from portal.clock import manufacturer_zone
from portal.job_runs import job_run
from portal.periods import Month
from pricing import calculations as calc
from pricing.models import PriceGuide

JOB = "book_price_protection"


def source_key(guide: PriceGuide) -> str:
    return f"price_guide:{guide.pk}"


def on_hand_at(*, product_id: int, instant: dt.datetime, region_code: str | None) -> list[dict]:
    """Each dealer warehouse's quantity of the product at ``instant`` (within the region's
    subtree, or everywhere): the ``quantity_after`` of its level's last ledger movement
    recorded at or before the instant (one query)."""
    movements = StockMovement.objects.filter(
        level__product_id=product_id,
        level__warehouse__dealer__isnull=False,
        created_at__lte=instant,
    )
    if region_code:
        movements = movements.filter(
            Q(level__warehouse__region__code=region_code)
            | Q(level__warehouse__region__code__startswith=region_code + "-")
        )
    return list(
        movements.order_by("level_id", "-created_at", "-pk")
        .distinct("level_id")
        .values(
            "level_id",
            "quantity_after",
            "level__warehouse__code",
            "level__warehouse__dealer_id",
            "level__warehouse__region__code",
        )
    )


def protection_credits(guide: PriceGuide) -> dict[int, dict]:
    """{dealer id: {"amount", "derivation"}} for a guide: per warehouse of the guide's regions
    where this guide is the one that applies from its instant, the list price that applied
    just before it (the previous guide, else the product's list price) minus the new one,
    times the units held then."""
    guides = [
        calc.GuideRow(*row)
        for row in PriceGuide.objects.filter(product_id=guide.product_id).values_list(
            "id", "product_id", "region__code", "effective_from", "list_price", "floor_price"
        )
    ]
    instant = guide.effective_from
    region_code = guide.region.code if guide.region_id else None
    by_dealer: dict[int, list[dict]] = defaultdict(list)
    for row in on_hand_at(product_id=guide.product_id, instant=instant, region_code=region_code):
        units = row["quantity_after"]
        where = row["level__warehouse__region__code"]
        applies = calc.resolve_guide(guides, region_code=where, at=instant)
        if units <= 0 or applies is None or applies.id != guide.pk:
            continue  # nothing held, or a more specific guide applies there
        before = calc.resolve_guide(guides, region_code=where, at=instant, strictly_before=True)
        old_list = before.list_price if before else guide.product.list_price
        credit = calc.protection_credit(old_list=old_list, new_list=guide.list_price, units=units)
        if credit <= 0:
            continue
        by_dealer[row["level__warehouse__dealer_id"]].append(
            {
                "warehouse": row["level__warehouse__code"],
                "units": str(units.normalize()),
                "old_list_price": str(old_list),
                "new_list_price": str(guide.list_price),
                "previous_guide": before.id if before else None,
                "credit": str(credit),
            }
        )
    result = {}
    for dealer_id, warehouses in by_dealer.items():
        amount = sum((Decimal(w["credit"]) for w in warehouses), Decimal("0.00"))
        result[dealer_id] = {
            "amount": amount,
            "derivation": {
                "guide": guide.pk,
                "sku": guide.product.sku,
                "region": region_code,
                "effective_from": instant.astimezone(manufacturer_zone()).isoformat(),
                "warehouses": warehouses,
                "exact": str(amount),
            },
        }
    return result


def price_protection_book_guide(*, guide: PriceGuide, now: dt.datetime | None = None) -> int:
    """Book the credits of one guide whose instant has passed, once per (dealer, guide), in
    the draft of the instant's month (or the current draft when that one is approved), and
    mark the guide booked. Returns how many credits were booked now (0 on a re-run)."""
    now = now or timezone.now()
    with transaction.atomic():
        guide = (
            PriceGuide.objects.select_for_update(of=("self",))
            .select_related("product", "region")
            .get(pk=guide.pk)
        )
        if guide.effective_from > now:
            return 0
        booked = 0
        credits = protection_credits(guide)
        dealers = Dealer.objects.in_bulk(list(credits))
        for dealer_id in sorted(credits):
            credit = credits[dealer_id]
            row = book_credit(
                dealer=dealers[dealer_id],
                kind=StatementComponent.Kind.PRICE_PROTECTION,
                amount=credit["amount"],
                source_key=source_key(guide),
                derivation=credit["derivation"],
                month=Month.of(guide.effective_from),
                now=now,
            )
            booked += row is not None
        if guide.protection_booked_at is None:
            guide.protection_booked_at = now
            guide.save(update_fields=["protection_booked_at"])
        return booked


def price_protection_book(
    *, now: dt.datetime | None = None, include_booked: bool = False
) -> dict[str, int]:
    """The hourly job: book the price protection of every guide whose instant has passed
    and that is not booked yet (``include_booked``: all of them again, which books nothing
    twice). Recorded as a job run; one guide per transaction."""
    now = now or timezone.now()
    guides = PriceGuide.objects.filter(effective_from__lte=now)
    if not include_booked:
        guides = guides.filter(protection_booked_at__isnull=True)
    ids = list(guides.order_by("effective_from", "pk").values_list("pk", flat=True))
    with job_run(JOB, params={"now": now.isoformat()}) as run:
        run.set_total(len(ids))
        for pk in ids:
            booked = price_protection_book_guide(guide=PriceGuide(pk=pk), now=now)
            run.advance(guides=1, credits=booked)
        counts = {"guides": len(ids), "credits": run.counts.get("credits", 0)}
    return counts
