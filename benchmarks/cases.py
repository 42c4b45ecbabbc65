"""The benches B1–B7 of ``make bench`` (see benchmarks/run.py). Each returns a :class:`Row`:
the portal's figure, the raw figure measured in the same run, and their ratio."""

from __future__ import annotations

import datetime as dt
import io
import json
import statistics
import threading
import time
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from commissions.models import CommissionStatement, SaleLine, StatementComponent
from commissions.services import statements_build
from conflicts.models import Ticket
from conflicts.services.escalation import ticket_escalate_due
from dealers.models import Dealer, Product
from inventory.models import StockLevel, Warehouse
from inventory.services import stock_levels_apply_adjustments
from portal.periods import Month


@dataclass
class Row:
    bench: str
    what: str
    app: str
    raw: str
    ratio: float | None
    goal: str
    kind: str = "ratio"  # "ratio": raw÷app (higher is better); "times": app÷raw (lower is)
    note: str = ""

    @property
    def shown(self) -> str:
        if self.ratio is None:
            return "–"
        return f"{self.ratio:.2f}" if self.kind == "ratio" else f"{self.ratio:.1f}×"


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def interleaved(rounds: int, *fns) -> list[float]:
    """Median seconds of each function, run in interleaved rounds."""
    samples = [[] for _ in fns]
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            samples[i].append(timed(fn))
    return [statistics.median(s) for s in samples]


class _Counter:
    """Counts the statements executed on the connection (an execute wrapper: independent of
    the debug query log)."""

    def __init__(self):
        self.captured_queries = []

    def __call__(self, execute, sql, params, many, context):
        self.captured_queries.append(sql)
        return execute(sql, params, many, context)


# -- B1: the sync over HTTP against COPY + one upsert + ledger insert -----------------------

RAW_SCHEMA = "bench_raw"


def _raw_schema(pairs):
    with connection.cursor() as c:
        c.execute(f"DROP SCHEMA IF EXISTS {RAW_SCHEMA} CASCADE; CREATE SCHEMA {RAW_SCHEMA}")
        c.execute(
            f"CREATE TABLE {RAW_SCHEMA}.level (id bigserial PRIMARY KEY, warehouse_id bigint,"
            " product_id bigint, quantity numeric(14,3) NOT NULL, as_of timestamptz,"
            " updated_at timestamptz NOT NULL, UNIQUE (warehouse_id, product_id))"
        )
        c.execute(
            f"CREATE TABLE {RAW_SCHEMA}.ledger (id bigserial PRIMARY KEY, level_id bigint NOT NULL,"
            " kind varchar(10) NOT NULL, delta numeric(14,3) NOT NULL,"
            " quantity_after numeric(14,3) NOT NULL, as_of timestamptz, source varchar(200),"
            " request_id varchar(64), created_at timestamptz NOT NULL)"
        )
        c.execute(f"CREATE INDEX ON {RAW_SCHEMA}.ledger (level_id, created_at)")
        c.execute(
            f"INSERT INTO {RAW_SCHEMA}.level (warehouse_id, product_id, quantity, updated_at)"  # noqa: S608
            " SELECT w, p, 0, now() FROM unnest(%s::bigint[], %s::bigint[]) AS t(w, p)",
            [[w for w, _ in pairs], [p for _, p in pairs]],
        )


def _raw_sync(pairs, quantities, as_of):
    """The physical limit: COPY the batch, one INSERT … ON CONFLICT DO UPDATE … WHERE,
    the ledger rows from its RETURNING."""
    buf = io.StringIO(
        "".join(f"{w}\t{p}\t{q}\t{as_of}\n" for (w, p), q in zip(pairs, quantities, strict=True))
    )
    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            "CREATE TEMP TABLE batch (w bigint, p bigint, q numeric, a timestamptz) ON COMMIT DROP"
        )
        c.cursor.copy_expert("COPY batch FROM STDIN", buf)
        c.execute(
            f"WITH up AS (INSERT INTO {RAW_SCHEMA}.level AS l (warehouse_id, product_id, quantity,"  # noqa: S608
            " as_of, updated_at) SELECT w, p, q, a, now() FROM batch"
            " ON CONFLICT (warehouse_id, product_id) DO UPDATE SET quantity = EXCLUDED.quantity,"
            " as_of = EXCLUDED.as_of, updated_at = EXCLUDED.updated_at"
            " WHERE l.as_of IS NULL OR l.as_of < EXCLUDED.as_of RETURNING id, quantity, as_of)"
            f" INSERT INTO {RAW_SCHEMA}.ledger (level_id, kind, delta, quantity_after, as_of,"
            " source, request_id, created_at)"
            " SELECT id, 'set', quantity, quantity, as_of, 'raw', 'raw', now() FROM up"
        )


def b1_sync(*, items: int, rounds: int, secret: str) -> Row:
    warehouses = list(
        Warehouse.objects.filter(code__startswith="SCW").order_by("pk").values_list("pk", "code")
    )
    products = list(
        Product.objects.filter(sku__startswith="SC-").order_by("pk").values_list("pk", "sku")
    )
    pairs, codes = [], []
    for w, wcode in warehouses:
        for p, sku in products[:50]:
            pairs.append((w, p))
            codes.append((wcode, sku))
            if len(pairs) == items:
                break
        if len(pairs) == items:
            break
    _raw_schema(pairs)
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    start = timezone.now() - dt.timedelta(minutes=4)
    state = {"round": 0}

    def bodies():
        r = state["round"]
        as_of = (start + dt.timedelta(milliseconds=r + 1)).isoformat()
        quantities = [(i + r) % 50 for i in range(len(pairs))]
        return as_of, quantities

    def app():
        as_of, quantities = bodies()
        body = json.dumps(
            {
                "items": [
                    {"warehouse": w, "sku": s, "quantity": str(q), "as_of": as_of}
                    for (w, s), q in zip(codes, quantities, strict=True)
                ]
            }
        )
        t0 = time.perf_counter()
        response = client.post("/api/v1/inventory/sync/", body, content_type="application/json")
        app.seconds.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:300]

    def raw():
        as_of, quantities = bodies()
        t0 = time.perf_counter()
        _raw_sync(pairs, quantities, as_of)
        raw.seconds.append(time.perf_counter() - t0)
        state["round"] += 1

    app.seconds, raw.seconds = [], []
    app()  # warm-up: first applied counts on new levels
    app.seconds.clear()
    state["round"] += 1
    for _ in range(rounds):
        app()
        raw()
    a, r = statistics.median(app.seconds), statistics.median(raw.seconds)
    return Row(
        "B1",
        f"{len(pairs):,}-item inventory/sync over HTTP vs COPY + upsert + ledger",
        f"{len(pairs) / a:,.0f} rows/s ({a * 1000:.0f} ms)",
        f"{len(pairs) / r:,.0f} rows/s ({r * 1000:.0f} ms)",
        r / a,
        "≥ 0.30",
    )


# -- B2: 8 concurrent adjustment clients on 100 hot levels -----------------------------------


def b2_adjustments(*, api_key, batches: int, clients: int = 8) -> Row:
    levels = list(
        StockLevel.objects.filter(warehouse__code__startswith="SCW")
        .select_related("warehouse", "product")
        .order_by("pk")[:100]
    )
    before = {lv.pk: lv.quantity for lv in levels}
    errors = []

    def worker(n):
        try:
            for b in range(batches):
                chosen = levels[(n * 7 + b * 13) % 100 :][:10] or levels[:10]
                stock_levels_apply_adjustments(
                    actor=api_key,
                    items=[
                        {
                            "warehouse": lv.warehouse.code,
                            "sku": lv.product.sku,
                            "delta": "1",
                            "reason": "bench",
                        }
                        for lv in chosen
                    ],
                    source="bench",
                )
                for lv in chosen:
                    expected[n][lv.pk] = expected[n].get(lv.pk, 0) + 1
        except Exception as exc:  # reported in the table
            errors.append(repr(exc))
        finally:
            connections.close_all()

    expected = [{} for _ in range(clients)]
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    items = sum(sum(e.values()) for e in expected)
    after = dict(StockLevel.objects.filter(pk__in=before).values_list("pk", "quantity"))
    exact = not errors and all(
        after[pk] == before[pk] + sum(e.get(pk, 0) for e in expected) for pk in before
    )
    return Row(
        "B2",
        f"{clients} concurrent adjustment clients on 100 hot levels",
        f"{items / seconds:,.0f} items/s",
        "final quantities " + ("exact" if exact else f"WRONG {errors[:1]}"),
        None,
        "exact",
    )


# -- B3: the statement run against the raw GROUP BY ------------------------------------------


def _raw_month_aggregate(month: Month):
    start, end = month.bounds()
    with connection.cursor() as c:
        c.execute(
            "SELECT dealer_id, sum(amount), count(*) FROM commissions_saleline"
            " WHERE sold_at >= %s AND sold_at < %s GROUP BY dealer_id",
            [start, end],
        )
        return c.fetchall()


def b3_statements(*, month: Month, rounds: int) -> tuple[Row, float]:
    dealers = Dealer.objects.filter(code__startswith="SC")
    drafts = CommissionStatement.objects.filter(
        dealer__in=dealers, period=month.first_day, status="draft"
    )
    StatementComponent.objects.filter(statement__in=drafts).delete()
    drafts.delete()
    first_q, again_q = _Counter(), _Counter()
    with connection.execute_wrapper(first_q):
        first = timed(lambda: statements_build(period=month))
    with connection.execute_wrapper(again_q):
        statements_build(period=month)
    app, raw = interleaved(
        rounds, lambda: statements_build(period=month), lambda: _raw_month_aggregate(month)
    )
    n = dealers.count()
    lines = SaleLine.objects.filter(dealer__in=dealers).count()
    return (
        Row(
            "B3",
            f"statements_build, {lines:,} lines / {n:,} dealers, re-run vs raw GROUP BY",
            f"{app * 1000:,.0f} ms (first run {first * 1000:,.0f} ms, "
            f"{len(first_q.captured_queries)} queries; re-run "
            f"{len(again_q.captured_queries)} queries)",
            f"{raw * 1000:,.0f} ms",
            app / raw,
            "≤ 3×",
            kind="times",
        ),
        app,
    )


# -- B4: the escalation sweep, 1 % due among n and among 10 n open ---------------------------


def b4_escalation(*, due: int) -> Row:
    ids = list(
        Ticket.objects.filter(title__startswith="SC-T", status="open")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()

    def sweep(open_count):
        with transaction.atomic():
            Ticket.objects.filter(pk__in=ids).update(next_escalation_at=now + dt.timedelta(days=30))
            Ticket.objects.filter(pk__in=ids[open_count:]).update(next_escalation_at=None)
            Ticket.objects.filter(pk__in=ids[: open_count : open_count // due]).update(
                next_escalation_at=now - dt.timedelta(minutes=1)
            )
            seconds = timed(lambda: ticket_escalate_due(now=now, batch_size=due))
            transaction.set_rollback(True)
        return seconds

    small, large = sweep(len(ids) // 10), sweep(len(ids))
    return Row(
        "B4",
        f"escalation sweep, {due:,} due among {len(ids) // 10:,} vs {len(ids):,} open",
        f"{large * 1000:,.0f} ms (among {len(ids):,})",
        f"{small * 1000:,.0f} ms (among {len(ids) // 10:,})",
        large / small,
        "≤ 1.5×",
        kind="times",
    )


# -- B5 / B6: list APIs and dashboards -------------------------------------------------------


def b5_list(client: Client, *, name: str, url: str, bare: str, rounds: int) -> Row:
    def get(u):
        response = client.get(u)
        assert response.status_code == 200, (u, response.status_code)

    app, raw = interleaved(rounds, lambda: get(url), lambda: get(bare))
    return Row(
        "B5",
        f"{name} list API, page of 100, vs bare .values() + JsonResponse",
        f"{app * 1000:.1f} ms",
        f"{raw * 1000:.1f} ms",
        raw / app,
        "≥ 0.60",
    )


def b6_dashboard(client: Client, *, who: str, rounds: int, goal: str) -> Row:
    client.get("/")  # warm
    queries = _Counter()
    with connection.execute_wrapper(queries):
        response = client.get("/")
    assert response.status_code == 200, response.status_code
    (app,) = interleaved(rounds, lambda: client.get("/"))
    return Row(
        "B6",
        f"{who} dashboard",
        f"{app * 1000:.0f} ms, {len(queries.captured_queries)} queries",
        "–",
        None,
        goal,
    )


# -- B7: the quarterly job against the statement run -----------------------------------------


def b7_quarterly(*, quarter: str, statement_seconds: float) -> Row:
    from reviews.services import quarterly_run

    seconds = timed(lambda: quarterly_run(quarter=quarter, dry_run=True))
    return Row(
        "B7",
        f"quarterly job {quarter} (dry run, all dealers) vs the statement run",
        f"{seconds * 1000:,.0f} ms",
        f"{statement_seconds * 1000:,.0f} ms",
        seconds / statement_seconds,
        "report",
        kind="times",
    )
