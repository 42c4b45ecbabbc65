"""Dashboard reads (selectors) for the home page: staff and dealer. Every query here is
backed by an index (monthly sales from the rollup ``SalesMonth`` by ``month`` / its unique
``(dealer, region, month)``, month-to-date sale lines by ``(dealer, sold_at)``, action items by
``(dealer, status, due_on)``, reviews by ``(quarter, status)``, announcements by
``published_at``, notifications by ``(recipient, read_at)``, tickets by ``(status, group)``
and the dealer/counter-party foreign keys, stock alerts by their warehouse/region foreign
keys, statements by ``(dealer, period)``).

The other apps' panels call their selectors directly: conflicts
(``open_escalation_counts_by_region``, ``ticket_list_visible_to``), inventory
(``stock_alert_counts_by_region``, ``open_alerts_for_dealer``), commissions
(``whatif_reads`` / ``whatif_for_dealer``, ``statement_list_visible_to``) and dealers
(``tier_progress_reads`` / ``tier_progress``). The dealer's panels are querysets, unevaluated:
the home reads them all in one query (``portal.batch.fetch_together``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from commissions.models import SaleLine, SalesMonth
from commissions.selectors import statement_list_visible_to
from conflicts.selectors import (
    OPEN_STATUSES,
    open_escalation_counts_by_region,
    ticket_list_visible_to,
)
from dealers.models import Dealer, Tier
from inventory.selectors import open_alerts_for_dealer, stock_alert_counts_by_region
from portal.periods import Month

PERIODS = {"3m": 3, "6m": 6, "12m": 12}
DEFAULT_PERIOD = "6m"


def period_bounds(period: str, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the last N months including the current one (manufacturer time);
    ``period`` is a span of PERIODS ("6m"), not a month."""
    months = PERIODS.get(period, PERIODS[DEFAULT_PERIOD])
    current = Month.current(now)
    return (current - (months - 1)).bounds()[0], current.bounds()[1]


def months_between(start: dt.datetime, end: dt.datetime) -> list[Month]:
    """The months that begin in [start, end) (manufacturer time), from ``start``'s month."""
    months, month = [], Month.of(start)
    while month.bounds()[0] < end:
        months.append(month)
        month = month.next()
    return months


def province_code(code: str) -> str:
    """CN-GD-SZ → CN-GD; CN → CN (sales are charted by province)."""
    return "-".join(code.split("-")[:2])


def region_filter(region, prefix: str = "dealer__region__code") -> Q:
    if region is None:
        return Q()
    return Q(**{prefix: region.code}) | Q(**{f"{prefix}__startswith": region.code + "-"})


def sales_by_region_month(*, start, end, region=None) -> dict:
    """Net sales per province of the dealer's home region and per month (one query):
    ``{"months": ["2026-10", …], "regions": ["CN-BJ", …], "rows": {region: {month: Decimal}},
    "totals": {month: Decimal}}``."""

    # from the monthly rollup (commissions.rollup), not the lines: the period is whole months
    rows = (
        SalesMonth.objects.filter(
            month__gte=Month.of(start).first_day, month__lt=Month.of(end).first_day
        )
        .filter(region_filter(region))
        .values("dealer__region__code", "month")
        .annotate(total=Sum("net_sales"))
        .order_by()
    )
    months = [str(month) for month in months_between(start, end)]
    table: dict[str, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(months, Decimal(0)))
    totals = dict.fromkeys(months, Decimal(0))
    for row in rows:
        key = str(Month.of(row["month"]))
        if key not in totals:
            continue
        province = province_code(row["dealer__region__code"])
        table[province][key] += row["total"]
        totals[key] += row["total"]
    return {
        "months": months,
        "regions": sorted(table),
        "rows": {code: table[code] for code in sorted(table)},
        "totals": totals,
    }


def tier_distribution(*, region=None) -> list[dict]:
    """Dealers (not terminated) per tier, in tier order: [{"tier": name, "count": n}]."""

    counts = dict(
        Dealer.objects.exclude(status=Dealer.Status.TERMINATED)
        .filter(region_filter(region, "region__code"))
        .values("tier_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("tier_id", "n")
    )
    return [
        {"tier": tier.display_name, "code": tier.code, "count": counts.get(tier.pk, 0)}
        for tier in Tier.objects.order_by("rank")
    ]


def stock_alert_rows(*, region=None) -> list[dict]:
    """Open stock alerts per region with the low / over / stale-data counts, by region code
    (one query): ``[{"region": "CN-GD", "low": 2, "over": 0, "stale_data": 1}]``."""

    counts = stock_alert_counts_by_region(within=region.code if region else None)
    return [
        {
            "region": code,
            "low": kinds.get("low", 0),
            "over": kinds.get("over", 0),
            "stale_data": kinds.get("stale_data", 0),
        }
        for code, kinds in sorted(counts.items())
    ]


def open_escalations(*, region=None) -> list[tuple[str, int]]:
    """Open escalated tickets per ticket region code (one query)."""

    counts = open_escalation_counts_by_region(region_code=region.code if region else None)
    return sorted(counts.items())


def dealer_open_tickets(who, *, limit: int = 5):
    """The open tickets ``who`` (a dealer's request) sees — raised by it or naming it as the
    counter-party — soonest resolution due first, with the SQL SLA state (a queryset)."""

    return (
        ticket_list_visible_to(who)
        .select_related(None)  # the panel shows the ticket's own columns only
        .filter(status__in=OPEN_STATUSES)
        .order_by(F("resolution_due").asc(nulls_last=True), "-opened_at", "-pk")[:limit]
    )


def dealer_stock_alerts(*, dealer, limit: int = 10):
    """The dealer's open stock alerts, newest first (a queryset)."""

    return open_alerts_for_dealer(dealer=dealer)[:limit]


def latest_statement(who):
    """The newest commission statement ``who`` sees, as a queryset of at most one
    (``(dealer, period)``)."""

    return statement_list_visible_to(who).order_by("-period", "-pk")[:1]


def dealer_month_to_date_sales(*, dealer, now: dt.datetime):
    """The dealer's net sales from the start of the month to ``now``: a queryset of at most
    one row ``{"total": …}`` (``dealer_month_to_date_total`` reads it)."""

    return (
        SaleLine.objects.filter(
            dealer=dealer, sold_at__gte=Month.current(now).bounds()[0], sold_at__lte=now
        )
        .values("dealer_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )


def dealer_month_to_date_total(rows: list[dict]) -> Decimal:
    return (rows[0]["total"] if rows else None) or Decimal("0.00")


def dealer_sales_by_month(*, dealer, start, end):
    """The dealer's net sales per month of [start, end), from the rollup: a queryset of
    ``{"month", "total"}`` rows (``dealer_monthly_totals`` completes the months)."""

    return (
        SalesMonth.objects.filter(
            dealer=dealer,
            month__gte=Month.of(start).first_day,
            month__lt=Month.of(end).first_day,
        )
        .values("month")
        .annotate(total=Sum("net_sales"))
        .order_by()
    )


def dealer_monthly_totals(rows: list[dict], *, start, end) -> list[tuple[str, Decimal]]:
    """Every month of [start, end) with its total (zero without sales)."""
    totals = {str(Month.of(row["month"])): row["total"] for row in rows}
    keys = [str(month) for month in months_between(start, end)]
    return [(key, totals.get(key, Decimal("0.00"))) for key in keys]
