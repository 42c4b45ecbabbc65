"""Set-based SQL for the sync path: a constant number of statements per batch, whatever its
size. PostgreSQL gets ``unnest`` arrays; other databases (the SQLite demo) a portable
equivalent with the same results."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction

from inventory.models import StockLevel, StockMovement, Warehouse


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def set_based() -> bool:
    """Whether the batch is applied by the single-statement SQL below (PostgreSQL)."""
    return _postgres()


def levels_ensure(pairs: list[tuple[int, int]], *, now: datetime) -> None:
    """Create the missing levels (quantity 0, no ``as_of``) in one ``INSERT … ON CONFLICT DO
    NOTHING``, in (warehouse, product) order so that concurrent batches cannot deadlock."""
    if _postgres():
        ordered = sorted(pairs)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {StockLevel._meta.db_table} "  # noqa: S608
                "(warehouse_id, product_id, quantity, updated_at) "
                "SELECT w, p, 0, %s FROM unnest(%s::bigint[], %s::bigint[]) AS b(w, p) "
                "ORDER BY w, p ON CONFLICT (warehouse_id, product_id) DO NOTHING",
                # array literals, as in sets_apply: a list would be adapted value by value
                # into an ARRAY[…] expression of 10,000 elements for the server to parse
                [now, _array(w for w, _ in ordered), _array(p for _, p in ordered)],
            )
        return
    StockLevel.objects.bulk_create(
        [
            StockLevel(warehouse_id=w, product_id=p, quantity=Decimal("0"), updated_at=now)
            for w, p in sorted(pairs)
        ],
        ignore_conflicts=True,
    )


def levels_lock(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    """Lock the levels of ``pairs`` with one ``SELECT … FOR UPDATE`` in primary-key order
    (a fixed order: two batches touching the same levels queue instead of deadlocking)."""
    if _postgres():
        table = StockLevel._meta.db_table
        sql = (
            f"SELECT * FROM {table} WHERE (warehouse_id, product_id) IN "  # noqa: S608
            "(SELECT * FROM unnest(%s::bigint[], %s::bigint[])) ORDER BY id FOR UPDATE"
        )
        rows = StockLevel.objects.raw(sql, [[w for w, _ in pairs], [p for _, p in pairs]])
    else:
        wanted = set(pairs)
        rows = [
            level
            for level in StockLevel.objects.select_for_update()
            .filter(warehouse_id__in={w for w, _ in pairs}, product_id__in={p for _, p in pairs})
            .order_by("pk")
            if (level.warehouse_id, level.product_id) in wanted
        ]
    return {(level.warehouse_id, level.product_id): level for level in rows}


def levels_update(changes: list[tuple[int, Decimal, datetime | None]], *, now: datetime) -> None:
    """Write (level id, quantity, as_of or None to keep it) in one ``UPDATE … FROM unnest``."""
    if not changes:
        return
    if _postgres():
        table = StockLevel._meta.db_table
        sql = (
            f"UPDATE {table} AS t SET quantity = v.quantity, "  # noqa: S608
            "as_of = COALESCE(v.as_of, t.as_of), updated_at = %s "
            "FROM unnest(%s::bigint[], %s::numeric[], %s::timestamptz[]) AS v(id, quantity, as_of) "
            "WHERE t.id = v.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    now,
                    [c[0] for c in changes],
                    [c[1] for c in changes],
                    [c[2] for c in changes],
                ],
            )
        return
    objs = []
    for pk, quantity, as_of in changes:
        level = StockLevel(pk=pk, quantity=quantity, updated_at=now)
        fields = ["quantity", "updated_at"]
        if as_of is not None:
            level.as_of = as_of
            fields.append("as_of")
        objs.append((level, tuple(fields)))
    for fields in {f for _, f in objs}:
        StockLevel.objects.bulk_update([o for o, f in objs if f == fields], list(fields))


#: One statement for a batch of absolute counts (DOMAIN.md §5.2), after ``levels_ensure``:
#: lock the batch's levels in id order, decide each item's outcome against the locked row
#: (exactly :func:`inventory.calculations.set_outcome`), update the applied levels, write a
#: ledger row for each applied item that changes the quantity, mark the warehouses synced,
#: and return (index, outcome, resulting quantity) — tuples, no model objects.
_SETS_SQL = """
WITH batch AS (
    SELECT * FROM unnest(%(idx)s::int[], %(w)s::bigint[], %(p)s::bigint[],
                         %(q)s::numeric[], %(a)s::timestamptz[]) AS b(idx, w, p, q, a)
),
locked AS MATERIALIZED (
    SELECT l.id, l.warehouse_id, l.product_id, l.quantity, l.as_of
    FROM {level} l JOIN batch b ON l.warehouse_id = b.w AND l.product_id = b.p
    ORDER BY l.id FOR UPDATE OF l
),
decided AS MATERIALIZED (
    SELECT b.idx, k.id, k.quantity AS old_q, b.q, b.a,
           CASE WHEN k.as_of IS NULL OR b.a > k.as_of THEN 'applied'
                WHEN b.a = k.as_of AND b.q = k.quantity THEN 'unchanged'
                ELSE 'stale' END AS outcome
    FROM batch b JOIN locked k ON k.warehouse_id = b.w AND k.product_id = b.p
),
updated AS (
    UPDATE {level} l SET quantity = d.q, as_of = d.a, updated_at = %(now)s
    FROM decided d WHERE l.id = d.id AND d.outcome = 'applied'
    RETURNING l.id
),
ledger AS (
    INSERT INTO {movement} (level_id, kind, delta, quantity_after, as_of, reason, source,
                            request_id, created_at)
    SELECT d.id, %(kind)s, d.q - d.old_q, d.q, d.a, '', %(source)s, %(request_id)s, %(now)s
    FROM decided d WHERE d.outcome = 'applied' AND d.q <> d.old_q ORDER BY d.id
    RETURNING 1
),
synced AS (
    UPDATE {warehouse} SET last_synced_at = %(now)s WHERE id = ANY(%(warehouses)s::bigint[])
    RETURNING 1
)
SELECT d.idx, d.outcome, CASE WHEN d.outcome = 'applied' THEN d.q ELSE d.old_q END
FROM decided d ORDER BY d.idx
"""


def _array(values) -> str:
    """A PostgreSQL array literal of numbers or of already double-quoted values."""
    return "{" + ",".join(str(v) for v in values) + "}"


def _quoted_times(times) -> list[str]:
    """Each time as a double-quoted ISO text for an array literal, formatted once per
    distinct value (a batch usually has one count time)."""
    memo: dict = {}
    out = []
    for t in times:
        text = memo.get(t)
        if text is None:
            text = memo[t] = f'"{t.isoformat()}"'
        out.append(text)
    return out


def sets_apply(
    items: list[tuple[int, int, int, Decimal, datetime]],
    *,
    now: datetime,
    source: str,
    request_id: str,
) -> list[tuple[int, str, Decimal]]:
    """Apply (index, warehouse id, product id, quantity, as_of) items on PostgreSQL in one
    statement (see ``_SETS_SQL``). Returns (index, outcome, quantity) in index order.

    The usual batch counts levels that exist: the statement runs once, in a savepoint.
    When it returns fewer rows than items, some levels are new: the savepoint is rolled
    back (which also releases the row locks it took), the missing levels are created by
    :func:`levels_ensure` in (warehouse, product) order, and the statement runs again,
    exactly as if the levels had been ensured first. So a batch never waits for another's
    insert of a new level while it holds level locks, and the locks it holds are taken in
    id order: two batches queue, they do not deadlock. The usual batch saves the insert's
    10,000 index probes (≈ 35 ms) for two statements of a fraction of a millisecond."""
    sql = _SETS_SQL.format(
        level=StockLevel._meta.db_table,
        movement=StockMovement._meta.db_table,
        warehouse=Warehouse._meta.db_table,
    )
    params = {  # array literals: one string each instead of 10,000 adapted values
        "idx": _array(i[0] for i in items),
        "w": _array(i[1] for i in items),
        "p": _array(i[2] for i in items),
        "q": _array(i[3] for i in items),
        "a": _array(_quoted_times(i[4] for i in items)),
        "now": now,
        "kind": StockMovement.Kind.SET.value,
        "source": source,
        "request_id": request_id,
        "warehouses": sorted({i[1] for i in items}),
    }
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                if len(rows) < len(items):
                    raise _LevelsMissing
                return rows
        except _LevelsMissing:
            pass
        levels_ensure([(i[1], i[2]) for i in items], now=now)
        cursor.execute(sql, params)
        return cursor.fetchall()


class _LevelsMissing(Exception):
    """Some of a batch's levels do not exist yet (see :func:`sets_apply`)."""
