"""The nightly transfer suggestions (DOMAIN.md §16), one province at a time.

For a province, four set-based queries give every dealer's stock and 28-day net sales per
product there, the stock already on its way in open transfers, and the reorder rules that
apply; the matching is :func:`rotation.calculations.match_greedily`. The province's previous
suggestions are replaced in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from commissions.models import SaleLine
from dealers.models import Dealer, Region
from inventory.models import ReorderRule, StockLevel
from portal.job_runs import job_run
from rotation import calculations
from rotation.models import StockTransfer, TransferSuggestion

ZERO = Decimal("0")
IN_FLIGHT = [
    StockTransfer.Status.PROPOSED,
    StockTransfer.Status.ACCEPTED,
    StockTransfer.Status.SHIPPED,
]


def _subtree(field: str, province: Region) -> Q:
    return Q(**{f"{field}__code": province.code}) | Q(
        **{f"{field}__code__startswith": province.code + "-"}
    )


def _rules_for(province: Region) -> dict[int, ReorderRule]:
    """{product id: the rule of the nearest region among the province and its ancestors}."""
    codes = province.ancestors_and_self_codes()
    depth = {code: i for i, code in enumerate(codes)}
    rules: dict[int, ReorderRule] = {}
    for rule in ReorderRule.objects.filter(region__code__in=codes).select_related("region"):
        current = rules.get(rule.product_id)
        if current is None or depth[rule.region.code] > depth[current.region.code]:
            rules[rule.product_id] = rule
    return rules


def province_positions(
    province: Region, *, product_ids, now
) -> dict[int, list[calculations.DealerPosition]]:
    """{product id: each active dealer's position in the province}. Stock of open transfers
    counts where it is going: a proposed or accepted transfer already leaves the source and
    reaches the destination, a shipped one reaches the destination (it has left the source's
    level), so the same move is not suggested again."""
    active = Dealer.Status.ACTIVE
    stock: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    sold: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for dealer_id, product_id, total in (
        StockLevel.objects.filter(
            _subtree("warehouse__region", province),
            warehouse__active=True,
            warehouse__dealer__status=active,
            product_id__in=product_ids,
        )
        .values_list("warehouse__dealer_id", "product_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    ):
        stock[(dealer_id, product_id)] += total
    since = now - timedelta(days=calculations.SALES_WINDOW_DAYS)
    for dealer_id, product_id, total in (
        SaleLine.objects.filter(
            _subtree("ship_to_region", province),
            dealer__status=active,
            product_id__in=product_ids,
            sold_at__gte=since,
            sold_at__lt=now,
        )
        .values_list("dealer_id", "product_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    ):
        sold[(dealer_id, product_id)] += total
    for row in StockTransfer.objects.filter(
        _subtree("source_warehouse__region", province) | _subtree("destination_warehouse__region", province),
        status__in=IN_FLIGHT,
        product_id__in=product_ids,
    ).values(
        "status",
        "product_id",
        "quantity",
        "source_dealer_id",
        "destination_dealer_id",
        "source_warehouse__region__code",
        "destination_warehouse__region__code",
    ):
        inside = province.code, province.code + "-"

        def within(code, inside=inside):
            return code == inside[0] or code.startswith(inside[1])

        product = row["product_id"]
        if row["status"] != StockTransfer.Status.SHIPPED and within(
            row["source_warehouse__region__code"]
        ):
            key = (row["source_dealer_id"], product)
            if key in stock:
                stock[key] -= row["quantity"]
        if within(row["destination_warehouse__region__code"]):
            stock[(row["destination_dealer_id"], product)] += row["quantity"]
    positions: dict[int, list[calculations.DealerPosition]] = defaultdict(list)
    for dealer_id, product_id in sorted(set(stock) | set(sold)):
        positions[product_id].append(
            calculations.DealerPosition(
                dealer_id=dealer_id,
                stock=max(stock.get((dealer_id, product_id), ZERO), ZERO),
                sold=sold.get((dealer_id, product_id), ZERO),
            )
        )
    return positions


def province_suggestions(province: Region, *, now) -> list[TransferSuggestion]:
    """The suggestions for one province (unsaved), in a stable order."""
    rules = _rules_for(province)
    if not rules:
        return []
    positions = province_positions(province, product_ids=list(rules), now=now)
    suggestions = []
    for product_id in sorted(positions):
        rule = rules[product_id]
        for match in calculations.match_greedily(
            positions[product_id],
            min_days_cover=rule.min_days_cover,
            max_days_cover=rule.max_days_cover,
        ):
            suggestions.append(
                TransferSuggestion(
                    province=province,
                    product_id=product_id,
                    source_dealer_id=match.source.dealer_id,
                    destination_dealer_id=match.destination.dealer_id,
                    quantity=match.quantity,
                    min_days_cover=rule.min_days_cover,
                    max_days_cover=rule.max_days_cover,
                    source_stock=match.source.stock,
                    source_daily_sales=match.source.daily.quantize(Decimal("0.001")),
                    source_surplus=match.source_surplus,
                    destination_stock=match.destination.stock,
                    destination_daily_sales=match.destination.daily.quantize(Decimal("0.001")),
                    destination_need=match.destination_need,
                    computed_at=now,
                )
            )
    return suggestions


def transfer_suggestions_compute(
    *, province_code: str | None = None, now=None, dry_run: bool = False
) -> dict:
    """Recompute the suggestions of every province (or one), each province in its own
    transaction that replaces its previous suggestions; recorded as a job run. With
    ``dry_run`` nothing is stored. Returns the counts."""
    now = now or timezone.now()
    provinces = Region.objects.filter(kind=Region.Kind.PROVINCE).order_by("code")
    if province_code:
        provinces = provinces.filter(code=province_code)
    params = {"now": now.isoformat(), "province": province_code or ""}
    with job_run("suggest_stock_transfers", params=params, dry_run=dry_run) as run:
        provinces = list(provinces)
        run.set_total(len(provinces))
        for province in provinces:
            with transaction.atomic():
                suggestions = province_suggestions(province, now=now)
                if not dry_run:
                    TransferSuggestion.objects.filter(province=province).delete()
                    TransferSuggestion.objects.bulk_create(suggestions)
            run.advance(suggestions=len(suggestions))
        return {"provinces": len(provinces), **run.counts}
