"""The monthly sales rollup (:class:`commissions.models.SalesMonth`): net sales, quantity
and line count per dealer, ship-to region and month.

- The sales ingestion adds each new batch's lines in its own transaction
  (:func:`add_lines`: one ``INSERT … ON CONFLICT DO UPDATE`` that increments). Lines are
  never edited or deleted, so increments stay exact.
- The statement run rebuilds the month (:func:`month_sales_rebuilt`: one aggregate over
  the lines, one upsert of the rows that changed, the table locked against concurrent
  increments meanwhile), which also repairs any drift, and takes the dealers' net sales
  from that same aggregate.
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
    counts it) or waits and increments the rebuilt rows — no increment is lost. Then the
    aggregate, and the upsert of the rows whose figures changed (none: no statement).
    Elsewhere two statements."""
    start, end = month.bounds()
    if connection.vendor == "postgresql":
        rows = _month_rebuilt_in_sql(month=month, dealer_ids=list(dealer_ids), start=start, end=end)
        sales: dict[int, list] = defaultdict(lambda: [Decimal("0"), 0])
        for dealer_id, _region_id, net, _quantity, n, _changed in rows:
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


#: Up to this many dealers, the rebuild reads their lines through the dealer index; for
#: more, it reads the whole month (a parallel scan, as a plain GROUP BY does) and keeps
#: theirs. PostgreSQL plans ``dealer_id = ANY(<thousands of ids>)`` as an index scan
#: sorted by dealer, ≈ 2.5× slower than the month's scan at a million lines (issue 13 B3).
DEALERS_BY_INDEX = 100

#: the month's figures per dealer and region, and whether the rollup's row differs
_MONTH_SQL = """
SELECT a.dealer_id, a.region_id, a.net_sales, a.quantity, a.line_count,
    (r.net_sales, r.quantity, r.line_count)
        IS DISTINCT FROM (a.net_sales, a.quantity, a.line_count) AS changed
FROM (
    SELECT l.dealer_id, l.ship_to_region_id AS region_id, sum(l.amount) AS net_sales,
        sum(l.quantity) AS quantity, count(*) AS line_count
    FROM {line} l
    WHERE l.sold_at >= %(start)s AND l.sold_at < %(end)s {dealers}
    GROUP BY l.dealer_id, l.ship_to_region_id
) a
LEFT JOIN {rollup} r
    ON r.dealer_id = a.dealer_id AND r.region_id = a.region_id AND r.month = %(month)s
"""

#: rows in key order (concurrent writers queue instead of deadlocking)
_UPSERT_SQL = """
INSERT INTO {rollup} AS r (dealer_id, region_id, month, net_sales, quantity, line_count)
SELECT t.dealer_id, t.region_id, %(month)s, t.net_sales, t.quantity, t.line_count
FROM unnest(%(dealer)s::bigint[], %(region)s::bigint[], %(net)s::numeric[],
            %(quantity)s::numeric[], %(count)s::integer[])
     AS t(dealer_id, region_id, net_sales, quantity, line_count)
ORDER BY t.dealer_id, t.region_id
ON CONFLICT (dealer_id, region_id, month) DO UPDATE SET
    net_sales = excluded.net_sales, quantity = excluded.quantity,
    line_count = excluded.line_count
WHERE (r.net_sales, r.quantity, r.line_count)
    IS DISTINCT FROM (excluded.net_sales, excluded.quantity, excluded.line_count)
"""


def _month_rebuilt_in_sql(*, month: Month, dealer_ids: list[int], start, end) -> list[tuple]:
    """PostgreSQL: lock the rollup against concurrent increments, aggregate the month's
    lines per dealer and region (server-side, no row objects) next to the rollup's rows,
    upsert those that differ (none: no statement). Returns the aggregate's rows
    ``(dealer, region, net, quantity, count, changed)`` of ``dealer_ids``."""
    if not dealer_ids:
        return []
    by_index = len(dealer_ids) <= DEALERS_BY_INDEX
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {SalesMonth._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            _MONTH_SQL.format(
                line=SaleLine._meta.db_table,
                rollup=SalesMonth._meta.db_table,
                dealers="AND l.dealer_id = ANY(%(dealers)s)" if by_index else "",
            ),
            {"start": start, "end": end, "month": month.first_day, "dealers": dealer_ids},
        )
        rows = cursor.fetchall()
        if not by_index:
            wanted = set(dealer_ids)
            rows = [row for row in rows if row[0] in wanted]
        changed = [row[:5] for row in rows if row[5]]
        if changed:
            columns = [list(column) for column in zip(*changed, strict=True)]
            cursor.execute(
                _UPSERT_SQL.format(rollup=SalesMonth._meta.db_table),
                {
                    "month": month.first_day,
                    **dict(
                        zip(("dealer", "region", "net", "quantity", "count"), columns, strict=True)
                    ),
                },
            )
    return rows
