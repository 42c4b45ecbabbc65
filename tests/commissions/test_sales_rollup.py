"""The monthly sales rollup (issue 13): kept by the ingestion, rebuilt by the statement run,
always equal to the lines it sums."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from commissions import rollup, services
from commissions.models import SaleLine, SalesMonth
from portal.periods import Month
from tests.commissions.factories import give_plan, local, plan_p, sale
from tests.commissions.test_api import _dealer_key, line
from tests.factories import DealerFactory

pytestmark = pytest.mark.django_db


def _rollup():
    return {
        (r.dealer_id, r.region_id, r.month): (r.net_sales, r.quantity, r.line_count)
        for r in SalesMonth.objects.all()
    }


def _from_lines():
    """The same figures straight from the lines (months in the manufacturer's zone)."""
    totals = {}
    for ln in SaleLine.objects.all():
        key = (ln.dealer_id, ln.ship_to_region_id, Month.of(ln.sold_at).first_day)
        net, qty, n = totals.get(key, (D("0"), D("0"), 0))
        totals[key] = (net + ln.amount, qty + ln.quantity, n + 1)
    return totals


def test_ingestion_adds_each_batch_to_the_rollup():
    dealer = DealerFactory()
    key = _dealer_key(dealer)
    services.sale_lines_ingest(
        actor=key, lines=[line("A1"), line("A2", amount="-100.00", quantity="-1")]
    )
    services.sale_lines_ingest(
        actor=key,
        lines=[
            line("A3", sold_at="2026-10-31T23:30:00+08:00"),  # still October in Shanghai
            line("A4", sold_at="2026-10-31T16:30:00+00:00"),  # November in Shanghai
            line("A1"),  # a duplicate adds nothing
        ],
    )
    assert _rollup() == _from_lines()
    assert sorted(m for _d, _r, m in _rollup()) == [dt.date(2026, 10, 1), dt.date(2026, 11, 1)]


def test_statement_run_rebuilds_the_month_and_takes_net_sales_from_it():
    dealer = DealerFactory()
    give_plan(dealer, plan_p())
    sale(dealer, "120000.00", local(2026, 10, 5, 10, 0))  # not through the ingestion
    sale(dealer, "80000.00", local(2026, 10, 6, 10, 0), region="CN-BJ")
    SalesMonth.objects.create(
        dealer=dealer,
        region_id=SaleLine.objects.first().ship_to_region_id,
        month=dt.date(2026, 10, 1),
        net_sales=D("1.00"),
        line_count=9,
    )  # drift
    [outcome] = services.statements_build(period=dt.date(2026, 10, 1), dealer_ids=[dealer.pk])
    assert outcome.net_sales == D("200000.00")
    assert _rollup() == _from_lines()
    agg = SaleLine.objects.aggregate(net=Sum("amount"), n=Count("pk"))
    assert sum(v[0] for v in _rollup().values()) == agg["net"]


def _row_versions():
    """Each rollup row's transaction id (``xmin``): it moves when the row is rewritten."""
    return dict(SalesMonth.objects.extra(select={"v": "xmin::text"}).values_list("pk", "v"))


def test_statement_run_leaves_unchanged_rollup_rows_alone():
    dealers = [DealerFactory() for _ in range(2)]
    for dealer in dealers:
        give_plan(dealer, plan_p())
        sale(dealer, "1000.00", local(2026, 10, 5, 10, 0))
    services.statements_build(period=dt.date(2026, 10, 1))
    first = _row_versions()
    sale(dealers[1], "5.00", local(2026, 10, 9, 10, 0))  # not through the ingestion
    services.statements_build(period=dt.date(2026, 10, 1))
    again = _row_versions()
    changed = {pk for pk in first if first[pk] != again[pk]}
    assert changed == set(SalesMonth.objects.filter(dealer=dealers[1]).values_list("pk", flat=True))
    assert _rollup() == _from_lines()


def test_rebuild_over_the_whole_month_keeps_to_the_dealers_asked(monkeypatch):
    monkeypatch.setattr(rollup, "DEALERS_BY_INDEX", 1)  # read the month, keep the dealers
    dealers = [DealerFactory() for _ in range(3)]
    for dealer in dealers:
        give_plan(dealer, plan_p())
        sale(dealer, "1000.00", local(2026, 10, 5, 10, 0))
    october = Month.of(dt.date(2026, 10, 1))
    rollup.month_sales_rebuilt(month=october, dealer_ids=[d.pk for d in dealers])
    SalesMonth.objects.update(net_sales=D("1.00"))  # drift
    sales = rollup.month_sales_rebuilt(month=october, dealer_ids=[d.pk for d in dealers[:2]])
    assert sales == {d.pk: (D("1000.00"), 1) for d in dealers[:2]}
    assert sorted(SalesMonth.objects.values_list("dealer", "net_sales")) == [
        (dealers[0].pk, D("1000.00")),
        (dealers[1].pk, D("1000.00")),
        (dealers[2].pk, D("1.00")),  # not asked: left as it was
    ]


def test_rebuild_that_changes_nothing_sends_no_write():
    dealer = DealerFactory()
    give_plan(dealer, plan_p())
    sale(dealer, "1000.00", local(2026, 10, 5, 10, 0))
    october = Month.of(dt.date(2026, 10, 1))
    rollup.month_sales_rebuilt(month=october, dealer_ids=[dealer.pk])
    with CaptureQueriesContext(connection) as ctx:
        sales = rollup.month_sales_rebuilt(month=october, dealer_ids=[dealer.pk])
    assert sales == {dealer.pk: (D("1000.00"), 1)}
    assert not [q for q in ctx.captured_queries if "INSERT" in q["sql"]]
