"""The monthly sales rollup (:class:`commissions.models.SalesMonth`): net sales, quantity
and line count per dealer, ship-to region and month.

- The sales ingestion adds each new batch's lines in its own transaction
  (:func:`add_lines`: one ``INSERT … ON CONFLICT DO UPDATE`` that increments). Lines are
  never edited or deleted, so increments stay exact.
- The statement run rebuilds the month (:func:`month_sales_rebuilt`: one aggregate over
  the lines, one upsert, the table locked against concurrent increments meanwhile), which
  also repairs any drift, and takes the dealers' net sales from that same aggregate.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Sum

from commissions import calculations as calc
from commissions.models import SaleLine, SalesMonth
from portal.periods import Month


def add_lines(lines) -> None:
    """Add new sale lines (model objects) to the rollup: one statement, rows in key order
    (concurrent batches touching the same rows queue instead of deadlocking)."""
    totals: dict[tuple, list] = defaultdict(lambda: [Decimal("0"), Decimal("0"), 0])
    for line in lines:
        key = (line.dealer_id, line.ship_to_region_id, Month.of(line.sold_at).first_day)
        total = totals[key]
        total[0] += line.amount
        total[1] += line.quantity
        total[2] += 1
    if not totals:
        return
    table = SalesMonth._meta.db_table
    rows = sorted(totals.items())
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    params = [v for (d, r, m), (net, qty, n) in rows for v in (d, r, m, net, qty, n)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (dealer_id, region_id, month, net_sales, quantity, line_count) "  # noqa: S608
            f"VALUES {placeholders} ON CONFLICT (dealer_id, region_id, month) DO UPDATE SET "
            f"net_sales = {table}.net_sales + excluded.net_sales, "
            f"quantity = {table}.quantity + excluded.quantity, "
            f"line_count = {table}.line_count + excluded.line_count",
            params,
        )


@transaction.atomic
def month_sales_rebuilt(*, month: Month, dealer_ids) -> dict[int, tuple[Decimal, int]]:
    """Rebuild the month's rollup rows of ``dealer_ids`` from the lines and return
    ``{dealer_id: (net sales, line count)}`` as
    :func:`commissions.selectors.month_sales_by_dealer` does.

    On PostgreSQL the rollup table is locked against writes first (``SHARE ROW
    EXCLUSIVE``): a batch being ingested either committed before the aggregate (which then
    counts it) or waits and increments the rebuilt rows — no increment is lost. On
    PostgreSQL two statements (the lock, then aggregate and upsert in one), elsewhere two."""
    start, end = month.bounds()
    if connection.vendor == "postgresql":
        rows = _month_rebuilt_in_sql(month=month, dealer_ids=list(dealer_ids), start=start, end=end)
        sales: dict[int, list] = defaultdict(lambda: [Decimal("0"), 0])
        for dealer_id, net, n in rows:
            sales[dealer_id][0] += net
            sales[dealer_id][1] += n
        return {dealer: (calc.money(net), n) for dealer, (net, n) in sales.items()}
    rows = list(
        SaleLine.objects.filter(sold_at__gte=start, sold_at__lt=end, dealer_id__in=list(dealer_ids))
        .values("dealer_id", "ship_to_region_id")
        .annotate(net=Sum("amount"), qty=Sum("quantity"), n=Count("pk"))
        .order_by("dealer_id", "ship_to_region_id")
    )
    if rows:
        SalesMonth.objects.bulk_create(
            [
                SalesMonth(
                    dealer_id=r["dealer_id"],
                    region_id=r["ship_to_region_id"],
                    month=month.first_day,
                    net_sales=r["net"],
                    quantity=r["qty"],
                    line_count=r["n"],
                )
                for r in rows
            ],
            update_conflicts=True,
            unique_fields=["dealer", "region", "month"],
            update_fields=["net_sales", "quantity", "line_count"],
        )
    sales: dict[int, list] = defaultdict(lambda: [Decimal("0"), 0])
    for r in rows:
        sales[r["dealer_id"]][0] += r["net"]
        sales[r["dealer_id"]][1] += r["n"]
    return {dealer: (calc.money(net), n) for dealer, (net, n) in sales.items()}


_REBUILD_SQL = """
INSERT INTO {rollup} (dealer_id, region_id, month, net_sales, quantity, line_count)
SELECT l.dealer_id, l.ship_to_region_id, %(month)s, sum(l.amount), sum(l.quantity), count(*)
FROM {line} l
WHERE l.sold_at >= %(start)s AND l.sold_at < %(end)s AND l.dealer_id = ANY(%(dealers)s)
GROUP BY l.dealer_id, l.ship_to_region_id
ORDER BY l.dealer_id, l.ship_to_region_id
ON CONFLICT (dealer_id, region_id, month) DO UPDATE SET
    net_sales = excluded.net_sales, quantity = excluded.quantity,
    line_count = excluded.line_count
RETURNING dealer_id, net_sales, line_count
"""


def _month_rebuilt_in_sql(*, month: Month, dealer_ids: list[int], start, end) -> list[tuple]:
    """PostgreSQL: the aggregate and the upsert in one statement, server-side (no row
    objects), after locking the rollup against concurrent increments."""
    if not dealer_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {SalesMonth._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            _REBUILD_SQL.format(rollup=SalesMonth._meta.db_table, line=SaleLine._meta.db_table),
            {"month": month.first_day, "start": start, "end": end, "dealers": dealer_ids},
        )
        return cursor.fetchall()
