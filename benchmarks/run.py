"""``make bench`` (``python -m benchmarks.run [--quick]``): seeds data at scale with
``seed_scale`` (idempotent), runs B1–B7 in-process against PostgreSQL with the raw
baselines measured in the same run, prints one table of ratios and writes
``docs/BENCHMARKS.md``.

Use a database of its own (``BENCH_DATABASE_URL``; the Makefile defaults to
``channel_portal_bench``): the seed adds a million sale lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

SIZES = {
    "full": {
        "dealers": 2000,
        "products": 5000,
        "warehouses": 4000,
        "sale_lines": 1_000_000,
        "tickets": 100_000,
        "sync_items": 10_000,
        "rounds": 5,
        "due": 1000,
        "b2_batches": 25,
    },
    "quick": {
        "dealers": 200,
        "products": 500,
        "warehouses": 400,
        "sale_lines": 100_000,
        "tickets": 10_000,
        "sync_items": 5_000,
        "rounds": 5,
        "due": 100,
        "b2_batches": 10,
    },
}
MONTH = "2026-09"
QUARTER = "2026Q3"


def _create_database():
    """Create the bench database when it does not exist yet (a fresh clone)."""
    from urllib.parse import urlparse

    import psycopg2

    url = urlparse(os.environ.get("DATABASE_URL", ""))
    name = url.path.lstrip("/")
    if url.scheme not in ("postgres", "postgresql") or not name:
        return
    admin = psycopg2.connect(url._replace(path="/postgres").geturl())
    admin.autocommit = True
    with admin.cursor() as c:
        c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if c.fetchone() is None:
            c.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _setup():
    _create_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("API_KEY_RATE", "1000000/min")
    # persistent connections, as a production worker has them
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False


def _machine() -> str:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SHOW server_version")
        pg = c.fetchone()[0]
    return (
        f"{platform.node()}: {os.cpu_count()} CPU ({platform.processor() or platform.machine()}), "
        f"Python {platform.python_version()}, PostgreSQL {pg} on loopback"
    )


def _users():
    from dealers.models import Dealer, DealerMembership
    from portal.models import User
    from portal.services import api_key_issue

    staff, _ = User.objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    dealer = Dealer.objects.filter(code__startswith="SC").order_by("pk").first()
    member, created = User.objects.get_or_create(username="bench-dealer")
    if created:
        DealerMembership.objects.create(user=member, dealer=dealer, role="owner")
    key, secret = api_key_issue(name="bench", manufacturer=True)
    return staff, member, key, secret


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (under 5 minutes)")
    parser.add_argument("--no-seed", action="store_true", help="use the data already there")
    parser.add_argument("--out", default="docs/BENCHMARKS.md")
    parser.add_argument("--only", help="comma-separated benches, e.g. B1,B3 (while developing)")
    args = parser.parse_args(argv)
    size_name = "quick" if args.quick else "full"
    size = SIZES[size_name]
    _setup()
    from django.core.management import call_command
    from django.test import Client

    from benchmarks import cases
    from portal.periods import Month

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if not args.no_seed:
        call_command(
            "seed_scale",
            dealers=size["dealers"],
            products=size["products"],
            warehouses=size["warehouses"],
            sale_lines=size["sale_lines"],
            tickets=size["tickets"],
            month=MONTH,
        )
    staff, member, key, secret = _users()
    staff_client, dealer_client = Client(), Client()
    staff_client.force_login(staff)
    dealer_client.force_login(member)
    rounds = size["rounds"]
    month = Month.of(dt.date.fromisoformat(f"{MONTH}-01"))
    rows = []

    only = set(args.only.split(",")) if args.only else None

    def run(label, fn, *a, **kw):
        if only and label not in only:
            return cases.Row(label, "(not run)", "–", "–", None, "–")
        t0 = time.monotonic()
        print(f"… {label}", file=sys.stderr, flush=True)
        result = fn(*a, **kw)
        print(f"  {label}: {time.monotonic() - t0:.1f} s", file=sys.stderr, flush=True)
        return result

    rows.append(run("B1", cases.b1_sync, items=size["sync_items"], rounds=rounds, secret=secret))
    rows.append(run("B2", cases.b2_adjustments, api_key=key, batches=size["b2_batches"]))
    b3 = run("B3", cases.b3_statements, month=month, rounds=rounds)
    b3, statement_seconds = b3 if isinstance(b3, tuple) else (b3, 1.0)
    rows.append(b3)
    rows.append(run("B4", cases.b4_escalation, due=size["due"]))
    for name, url, bare in (
        ("inventory/levels", "/api/v1/inventory/levels/?page_size=100", "/bench/bare/levels/"),
        ("tickets", "/api/v1/tickets/?page_size=100", "/bench/bare/tickets/"),
    ):
        rows.append(
            run("B5", cases.b5_list, staff_client, name=name, url=url, bare=bare, rounds=rounds * 4)
        )
    rows.append(
        run("B6", cases.b6_dashboard, staff_client, who="staff", rounds=rounds, goal="≤ 60 ms")
    )
    rows.append(
        run(
            "B6",
            cases.b6_dashboard,
            dealer_client,
            who="dealer",
            rounds=rounds,
            goal="≤ 10 queries, ≤ 15 ms",
        )
    )
    rows.append(run("B7", cases.b7_quarterly, quarter=QUARTER, statement_seconds=statement_seconds))
    table = _table(rows)
    print(table)
    _write(args.out, table, size_name, size, time.monotonic() - started)
    return 0


def _table(rows) -> str:
    lines = [
        "| bench | what | portal | raw / reference | ratio | goal |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r.bench} | {r.what} | {r.app} | {r.raw} | {r.shown} | {r.goal} |")
    return "\n".join(lines)


def _write(out, table, size_name, size, seconds):
    sizes = ", ".join(f"{k} {v:,}" for k, v in size.items())
    text = f"""# Benchmarks

Written by `make bench{" QUICK=1" if size_name == "quick" else ""}` (`benchmarks/run.py`)
on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC in {seconds:.0f} s.

## Machine
{_machine()}. The machine is shared (other work ran at the same time): compare the ratios,
which are measured side by side in the same run, more than the absolute times.

## Method
- Data: `manage.py seed_scale` ({size_name} sizes: {sizes}); sale lines in {MONTH}.
- In-process: Django's test `Client` against the real URLconf (plus the bench's bare views),
  PostgreSQL on loopback; no gunicorn, so HTTP parsing by a server is not in the figures.
- Medians of interleaved rounds (portal, raw, portal, raw, …).
- B1 raw: COPY of the batch into a temp table, one `INSERT … ON CONFLICT DO UPDATE … WHERE`
  and the ledger rows from its `RETURNING`, in the scratch schema `bench_raw`; ratio =
  raw time ÷ portal time (1.0 would be the physical limit).
- B3: the statement run over every seeded dealer, re-run (drafts exist), against
  `SELECT dealer_id, sum(amount), count(*) … GROUP BY dealer_id` over the month; ratio =
  portal ÷ raw.
- B4: ticket_escalate_due with 1 % due among a tenth of the open tickets and among all
  (in rolled-back transactions).
- B5: `page_size=100` of the API against `.values()` + `JsonResponse` (benchmarks/urls.py).
- B7: `quarterly_run(dry_run=True)` for {QUARTER} against the B3 re-run.

## Results
{table}
"""
    Path(out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
