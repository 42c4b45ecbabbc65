"""Set-based SQL for the sync path: a constant number of statements per batch, whatever its
size. PostgreSQL gets ``unnest`` arrays; other databases (the SQLite demo) a portable
equivalent with the same results."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import connection

from inventory.models import StockLevel


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def levels_ensure(pairs: list[tuple[int, int]], *, now: datetime) -> None:
    """Create the missing levels (quantity 0, no ``as_of``) in one ``INSERT … ON CONFLICT DO
    NOTHING``, in (warehouse, product) order so that concurrent batches cannot deadlock."""
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
