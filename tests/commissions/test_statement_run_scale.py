"""The chunked statement run (issue 13): the same outputs as the per-dealer builder it
replaced, byte for byte, and a number of queries that does not grow with dealers or lines."""

import datetime as dt
import random
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from commissions import selectors, services
from commissions.models import CommissionStatement, StatementComponent
from commissions.services import statements as statements_module
from portal.periods import Month
from tests.commissions.factories import give_plan, local, plan_p, sale, senior
from tests.factories import DealerFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
NOW = local(2026, 11, 20, 9, 0)


def _old_statements_build(*, period, dealer_ids=None, now=None):
    """The per-dealer builder before issue 13 (one transaction and ~4 queries per dealer),
    kept here only to prove the chunked one writes the same."""
    month = Month.of(period)
    plans = selectors.month_plans(month=month, dealer_ids=dealer_ids, now=now)
    sales = selectors.month_sales_by_dealer(month=month, dealer_ids=list(plans))
    late = statements_module._late_lines(month=month, dealer_ids=list(plans)) if plans else {}
    outcomes = []
    for dealer_id in sorted(plans):
        net, count = sales.get(dealer_id, (D("0.00"), 0))
        with transaction.atomic():
            statement, created = CommissionStatement.objects.select_for_update().get_or_create(
                dealer_id=dealer_id,
                period=month.first_day,
                defaults={"currency": plans[dealer_id].currency},
            )
            if statement.is_locked:
                result = "locked"
            else:
                result = statements_module._refresh(
                    statement=statement,
                    month_plan=plans[dealer_id],
                    net_sales=net,
                    line_count=count,
                    late=late.get(dealer_id, []),
                    now=now,
                )
                if created:
                    result = "created"
        outcomes.append((dealer_id, result, statement.net_sales, statement.total))
    return outcomes


def _generated(n_dealers, *, seed=13):
    """Dealers on both step modes, some senior, random lines (returns too)."""
    rng = random.Random(seed)
    plans = [plan_p("whole", code=f"GW{seed}"), plan_p("marginal", code=f"GM{seed}")]
    dealers = []
    for n in range(n_dealers):
        dealer = DealerFactory()
        if n % 3 == 0:
            senior(dealer)
        give_plan(dealer, plans[n % 2])
        for _ in range(rng.randint(0, 6)):
            amount = D(rng.randint(-20_000_00, 250_000_00)) / 100
            sale(dealer, amount, local(2026, 10, rng.randint(1, 31), rng.randint(0, 23), 0))
        dealers.append(dealer)
    return dealers


def _snapshot():
    statements = [
        (
            s.dealer_id,
            s.period,
            s.status,
            s.currency,
            s.plan_id,
            s.step_mode,
            s.base_rate,
            s.tier_code,
            s.net_sales,
            s.line_count,
            s.total,
            s.computed_at,
        )
        for s in CommissionStatement.objects.order_by("dealer_id", "period")
    ]
    components = [
        (c.statement.dealer_id, c.kind, c.amount, c.derivation, c.sale_line_id, c.reason)
        for c in StatementComponent.objects.select_related("statement").order_by(
            "statement__dealer_id", "kind", "sale_line_id", "amount"
        )
    ]
    history = sorted(
        (h.dealer_id, h.history_type, h.net_sales, h.total, h.history_actor)
        for h in CommissionStatement.history.all()
    )
    return statements, components, history


def _run_both(build_new, build_old):
    with transaction.atomic():
        old = build_old()
        snapshot_old = _snapshot()
        transaction.set_rollback(True)
    new = build_new()
    return old, snapshot_old, new, _snapshot()


def test_chunked_run_writes_exactly_what_the_per_dealer_builder_wrote(monkeypatch):
    monkeypatch.setattr(statements_module, "CHUNK_SIZE", 4)  # several chunks
    dealers = _generated(11)
    finance = StaffUserFactory(groups=["finance"])
    # a previous run, then an adjustment and a new line
    services.statements_build(period=OCT, now=NOW)
    draft = CommissionStatement.objects.get(dealer=dealers[1], period=OCT)
    services.statement_adjustment_add(
        statement=draft, actor=finance, amount=D("-12.34"), reason="fix"
    )
    sale(dealers[2], "999.99", local(2026, 10, 30, 10, 0))  # changes a draft's figures

    def new():
        outcomes = services.statements_build(period=OCT, now=NOW)
        return [(o.dealer_id, o.result, o.net_sales, o.total) for o in outcomes]

    old, snapshot_old, new_outcomes, snapshot_new = _run_both(
        new, lambda: _old_statements_build(period=OCT, now=NOW)
    )
    assert new_outcomes == old
    assert snapshot_new == snapshot_old
    assert {r for _d, r, _n, _t in old} == {"updated", "unchanged"}


def test_first_run_writes_exactly_what_the_per_dealer_builder_wrote(monkeypatch):
    monkeypatch.setattr(statements_module, "CHUNK_SIZE", 3)
    _generated(8, seed=7)

    def new():
        return [
            (o.dealer_id, o.result, o.net_sales, o.total)
            for o in services.statements_build(period=OCT, now=NOW)
        ]

    old, snapshot_old, new_outcomes, snapshot_new = _run_both(
        new, lambda: _old_statements_build(period=OCT, now=NOW)
    )
    assert new_outcomes == old
    assert snapshot_new == snapshot_old
    assert {r for _d, r, _n, _t in old} == {"created"}


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_statement_run_queries_do_not_grow_with_dealers_or_lines():
    small = _generated(3, seed=1)
    first_small = _queries(
        lambda: services.statements_build(period=OCT, dealer_ids=[d.pk for d in small], now=NOW)
    )
    again_small = _queries(
        lambda: services.statements_build(period=OCT, dealer_ids=[d.pk for d in small], now=NOW)
    )
    large = _generated(30, seed=2)
    first_large = _queries(
        lambda: services.statements_build(period=OCT, dealer_ids=[d.pk for d in large], now=NOW)
    )
    again_large = _queries(
        lambda: services.statements_build(period=OCT, dealer_ids=[d.pk for d in large], now=NOW)
    )
    assert first_small == first_large
    assert again_small == again_large


def test_late_lines_and_deals_are_read_once_per_run_not_per_chunk(monkeypatch):
    monkeypatch.setattr(statements_module, "CHUNK_SIZE", 2)
    ids = [d.pk for d in _generated(6, seed=3)]  # three chunks
    services.statements_build(period=OCT, dealer_ids=ids, now=NOW)
    with CaptureQueriesContext(connection) as ctx:  # a re-run
        services.statements_build(period=OCT, dealer_ids=ids, now=NOW)
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len([s for s in sql if '"deals_dealregistration"' in s]) == 1
    assert len([s for s in sql if '"counted_in_id" IS NULL' in s]) == 1
    assert len([s for s in sql if "FOR UPDATE" in s]) == 3  # each chunk locks its own


def test_stored_derivations_compare_as_text_else_as_values():
    new = {"formula": "net_sales × base_rate", "exact": "1.5", "steps": [{"rate": "0.02"}]}
    same = statements_module._same_derivation
    assert same(
        '{"exact": "1.5", "steps": [{"rate": "0.02"}], "formula": "net_sales × base_rate"}', new
    )
    # another database's text of the same JSON, or a model's dict: compared as values
    assert same(
        '{"formula":"net_sales \\u00d7 base_rate","exact":"1.5","steps":[{"rate":"0.02"}]}', new
    )
    assert same(dict(new), new)
    assert not same(
        '{"exact": "1.50", "steps": [{"rate": "0.02"}], "formula": "net_sales × base_rate"}', new
    )
    assert not same({**new, "exact": "1.50"}, new)


@pytest.mark.django_db(transaction=True)
def test_a_chunk_that_writes_nothing_commits_without_waiting_for_the_disk(monkeypatch):
    monkeypatch.setattr(statements_module, "CHUNK_SIZE", 2)
    dealers = _generated(4, seed=5)  # two chunks
    ids = [d.pk for d in dealers]

    def run():
        with CaptureQueriesContext(connection) as ctx:
            services.statements_build(period=OCT, dealer_ids=ids, now=NOW)
        return sum("synchronous_commit" in q["sql"] for q in ctx.captured_queries)

    assert run() == 0  # the first run creates every statement
    assert run() == 2  # a re-run changes nothing
    sale(dealers[0], "1.00", local(2026, 10, 9, 10, 0))
    assert run() == 1  # the first chunk writes
    with transaction.atomic():  # inside a caller's transaction: the caller's commit
        assert run() == 0
