"""``seed_scale``: data at scale for ``make bench`` and for trying the portal at size.

Set-based: every table is filled by one ``INSERT … SELECT … FROM generate_series`` (sale
lines in slices of 200,000 for progress), never row by row from Python. Idempotent: rows
carry an ``SC`` prefix and a re-run inserts only what is missing (``ON CONFLICT DO NOTHING``
on the natural keys; tickets, which have none, from the count already there). PostgreSQL
only. Columns the command does not set get their model default, so new nullable fields of
the models need no change here.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from commissions import rollup
from commissions.models import CommissionPlan, PlanStep, SaleLine
from conflicts.models import Ticket
from dealers.models import Agreement, Dealer, Product, ProductLine, Region, Tier
from inventory.models import StockLevel, Warehouse
from portal.periods import Month

PREFIX = "SC"
LINE_SLICE = 200_000
#: a 24×7 policy whose first step is the first-response breach (tickets due for escalation)
TICKET_POLICY = {
    "policy_id": None,
    "category": "channel",
    "priority": "normal",
    "first_response_minutes": 240,
    "resolution_minutes": 2880,
    "calendar": "24x7",
    "steps": [
        {"trigger": "first_response_breach", "level": 1, "group": "channel_manager"},
        {"trigger": "resolution_breach", "level": 2, "group": "executive"},
    ],
}


def insert_select(model, *, exprs: dict[str, str], source: str, conflict: str = "", params=()):
    """``INSERT INTO <model> (every column but the id) SELECT <exprs> FROM <source>``: a
    column not in ``exprs`` takes its model default (``now()`` for auto_now fields, NULL
    when nullable). Returns the number of rows inserted."""
    columns, values, select_params = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(connection.ops.quote_name(f.column))
        expr = exprs.get(f.attname, exprs.get(f.name))
        if isinstance(expr, tuple):  # (sql, parameters)
            values.append(expr[0])
            select_params.extend(expr[1])
        elif expr is not None:
            values.append(expr)
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values.append("now()")
        elif f.has_default() or (not f.null and f.get_default() is not None):
            values.append("%s")  # the default, or "" for a blank text field
            select_params.append(f.get_db_prep_save(f.get_default(), connection))
        elif f.null:
            values.append("NULL")
        else:
            raise CommandError(f"seed_scale: no value for {model.__name__}.{f.name}")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {source} {conflict}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*select_params, *params])
        return cursor.rowcount


def _ids(model, **filters) -> list[int]:
    return list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True))


class Command(BaseCommand):
    help = "Fill the database with data at scale (set-based SQL, idempotent, PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--dealers", type=int, default=2000)
        parser.add_argument("--products", type=int, default=5000)
        parser.add_argument("--warehouses", type=int, default=4000)
        parser.add_argument("--levels-per-warehouse", type=int, default=25)
        parser.add_argument("--sale-lines", type=int, default=1_000_000)
        parser.add_argument("--tickets", type=int, default=100_000)
        parser.add_argument("--month", default="2026-10", help="YYYY-MM of the sale lines")

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale needs PostgreSQL.")
        started = time.monotonic()
        year, month = (int(x) for x in opts["month"].split("-"))
        self.month_start = dt.datetime(year, month, 1, tzinfo=dt.UTC) - dt.timedelta(hours=8)
        with transaction.atomic():
            self._reference()
            self._step("products", self._products, opts["products"])
            self._step("dealers", self._dealers, opts["dealers"])
            self._step("agreements", self._agreements)
            self._step("warehouses", self._warehouses, opts["warehouses"])
            self._step("stock levels", self._levels, opts["levels_per_warehouse"])
            self._step("tickets", self._tickets, opts["tickets"])
        self._sale_lines(opts["sale_lines"])
        with transaction.atomic():  # the rollup of the seeded month (commissions.rollup)
            rollup.month_sales_rebuilt(
                month=Month.of(self.month_start + dt.timedelta(days=1)),
                dealer_ids=_ids(Dealer, code__startswith=PREFIX),
            )
        with connection.cursor() as cursor:
            for model in (SaleLine, StockLevel, Ticket, Dealer, Warehouse, Product):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
        self.stdout.write(f"seed_scale: done in {time.monotonic() - started:.1f} s")

    def _step(self, label, fn, *args):
        t0 = time.monotonic()
        n = fn(*args)
        self.stdout.write(f"  {label}: +{n} in {time.monotonic() - t0:.1f} s")

    # -- reference rows, few: the ORM --------------------------------------------------------

    def _reference(self):
        country, _ = Region.objects.get_or_create(
            code="CN", defaults={"name": "China", "kind": "country", "time_zone": "Asia/Shanghai"}
        )
        cities = _ids(Region, kind=Region.Kind.CITY)
        if not cities:
            province, _ = Region.objects.get_or_create(
                code=f"{PREFIX}-P",
                defaults={"name": "Scale", "kind": "province", "parent": country},
            )
            for n in range(10):
                Region.objects.get_or_create(
                    code=f"{PREFIX}-C{n}",
                    defaults={"name": f"Scale {n}", "kind": "city", "parent": province},
                )
            cities = _ids(Region, kind=Region.Kind.CITY)
        self.regions = cities
        self.tier = Tier.objects.order_by("rank").first() or Tier.objects.create(
            code="registered", name="Registered", rank=0
        )
        self.line, _ = ProductLine.objects.get_or_create(
            code=f"{PREFIX}-PL", defaults={"name": "Scale"}
        )
        self.plan, created = CommissionPlan.objects.get_or_create(
            code=f"{PREFIX}-P",
            defaults={"name": "Scale plan", "base_rate": Decimal("0.60"), "step_mode": "whole"},
        )
        if created:
            for threshold, rate in (("100000", "0.02"), ("300000", "0.035"), ("500000", "0.05")):
                PlanStep.objects.create(
                    plan=self.plan, threshold=Decimal(threshold), rate=Decimal(rate)
                )

    # -- bulk rows: one statement each -------------------------------------------------------

    def _products(self, n):
        return insert_select(
            Product,
            exprs={
                "sku": f"'{PREFIX}-' || lpad(g::text, 6, '0')",
                "name": "'Scale product ' || g",
                "product_line_id": str(self.line.pk),
                "list_price": "(100 + g %% 900)::numeric",
            },
            source="generate_series(1, %s) AS g",
            conflict="ON CONFLICT (sku) DO NOTHING",
            params=[n],
        )

    def _dealers(self, n):
        return insert_select(
            Dealer,
            exprs={
                "code": f"'{PREFIX}' || lpad(g::text, 6, '0')",
                "name": "'Scale dealer ' || g",
                "region_id": ("(%s::bigint[])[1 + g %% %s]", [self.regions, len(self.regions)]),
                "tier_id": str(self.tier.pk),
            },
            source="generate_series(1, %s) AS g",
            conflict="ON CONFLICT (code) DO NOTHING",
            params=[n],
        )

    def _agreements(self):
        return insert_select(
            Agreement,
            exprs={
                "number": f"'{PREFIX}-A-' || d.code",
                "dealer_id": "d.id",
                "status": "'active'",
                "starts_on": "DATE '2026-01-01'",
                "commission_plan_id": str(self.plan.pk),
                "quarterly_target": "800000",
                "annual_target": "3000000",
            },
            source=f"dealers_dealer d WHERE d.code LIKE '{PREFIX}%%'",
            conflict="ON CONFLICT (number) DO NOTHING",
        )

    def _dealer_table(self) -> str:
        return (
            "(SELECT id, region_id, (row_number() OVER (ORDER BY id)) - 1 AS rn, "  # noqa: S608
            f"count(*) OVER () AS n FROM dealers_dealer WHERE code LIKE '{PREFIX}%%')"
        )

    def _warehouses(self, n):
        return insert_select(
            Warehouse,
            exprs={
                "code": f"'{PREFIX}W' || lpad(g::text, 6, '0')",
                "name": "'Scale warehouse ' || g",
                "dealer_id": "d.id",
                "region_id": "d.region_id",
            },
            source=f"generate_series(1, %s) AS g JOIN {self._dealer_table()} d ON d.rn = g %% d.n",
            conflict="ON CONFLICT (code) DO NOTHING",
            params=[n],
        )

    def _levels(self, per_warehouse):
        products = _ids(Product, sku__startswith=f"{PREFIX}-")
        return insert_select(
            StockLevel,
            exprs={
                "warehouse_id": "w.id",
                "product_id": (
                    "(%s::bigint[])[1 + (w.id * 31 + k) %% %s]",
                    [products, len(products)],
                ),
                "quantity": "((w.id + k) %% 500)::numeric",
                "as_of": "now() - interval '1 day'",
                "updated_at": "now()",
            },
            source=f"inventory_warehouse w CROSS JOIN generate_series(1, %s) AS k "
            f"WHERE w.code LIKE '{PREFIX}W%%'",
            conflict="ON CONFLICT (warehouse_id, product_id) DO NOTHING",
            params=[per_warehouse],
        )

    def _tickets(self, n):
        have = Ticket.objects.filter(title__startswith=f"{PREFIX}-T").count()
        if have >= n:
            return 0
        # one in a hundred is due for escalation now, the others later
        return insert_select(
            Ticket,
            exprs={
                "title": f"'{PREFIX}-T' || g",
                "category": "'channel'",
                "requested_priority": "'normal'",
                "priority": "'normal'",
                "status": "'open'",
                "group": "'channel_manager'",
                "dealer_id": "d.id",
                "region_id": "d.region_id",
                "policy_snapshot": ("%s::jsonb", [json.dumps(TICKET_POLICY)]),
                "opened_at": "now() - interval '2 days'",
                "first_response_due": "now() - interval '44 hours'",
                "resolution_due": "now() + interval '1 day'",
                "next_escalation_at": "CASE WHEN g %% 100 = 0 THEN now() - interval '1 minute' "
                "ELSE now() + interval '30 days' END",
            },
            source=f"generate_series(%s::bigint, %s::bigint) AS g JOIN {self._dealer_table()} d ON d.rn = g %% d.n",
            params=[have + 1, n],
        )

    def _sale_lines(self, n):
        """A month of lines over every SC dealer, in slices (one transaction each)."""
        products = _ids(Product, sku__startswith=f"{PREFIX}-")
        dealers = _ids(Dealer, code__startswith=PREFIX)
        seconds = 28 * 24 * 3600
        total, t0 = 0, time.monotonic()
        sold_at = "%s::timestamptz + (g %% %s) * interval '1 second'"
        for low in range(1, n + 1, LINE_SLICE):
            high = min(n, low + LINE_SLICE - 1)
            if (
                SaleLine.objects.filter(
                    dealer_id__in=dealers, external_id__in=[f"{PREFIX}-{low}", f"{PREFIX}-{high}"]
                ).count()
                == 2
            ):  # a slice is one transaction: both ends there, all there
                self.stdout.write(f"  sale lines: {high}/{n} already there")
                continue
            with transaction.atomic():
                total += insert_select(
                    SaleLine,
                    exprs={
                        "dealer_id": "d.id",
                        "external_id": f"'{PREFIX}-' || g",
                        "product_id": ("(%s::bigint[])[1 + g %% %s]", [products, len(products)]),
                        "quantity": "1 + g %% 3",
                        "amount": "(100 + (g * 7919) %% 100000) / 100.0",
                        "currency": "'CNY'",
                        "sold_at": (sold_at, [self.month_start, seconds]),
                        "reported_at": (sold_at, [self.month_start, seconds]),
                        "ship_to_region_id": "d.region_id",
                        "source": "'seed_scale'",
                    },
                    source=f"generate_series(%s::bigint, %s::bigint) AS g JOIN {self._dealer_table()} d "
                    "ON d.rn = g %% d.n",
                    conflict="ON CONFLICT (dealer_id, external_id) DO NOTHING",
                    params=[low, high],
                )
            self.stdout.write(f"  sale lines: {high}/{n} (+{total}) {time.monotonic() - t0:.1f} s")
        return total
