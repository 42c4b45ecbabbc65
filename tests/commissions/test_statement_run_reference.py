"""The statement run against the run it replaced (issue 13 B3), on generated data: the same
outcomes, and the same rows to the byte — statements, components with their derivations
(PostgreSQL's text of the stored JSON), the sales rollup, the statements' history and the
job runs — on a first run, re-runs with and without changes, a month with late lines and a
dry run. The replaced run is frozen in ``reference_statement_run.py``."""

import datetime as dt
import random
from decimal import Decimal as D
from unittest import mock

import pytest
from django.db import connection, transaction

from commissions import jobs, services
from commissions.models import (
    CommissionPlan,
    CommissionStatement,
    PlanStep,
    PlanTierBonus,
    SaleLine,
    SalesMonth,
    StatementComponent,
)
from commissions.services import statements as statements_module
from portal.models import JobRun
from tests.commissions import reference_statement_run as reference
from tests.commissions.factories import give_plan, local, plan_p, sale
from tests.deals.factories import register
from tests.factories import DealerFactory, StaffUserFactory, tier

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
NOV = dt.date(2026, 11, 1)
NOW = local(2026, 11, 20, 9, 0)


def _plans():
    """Both step modes, a plan without steps or tier bonuses, one with odd rates, thresholds
    with cents and a deal bonus."""
    odd = CommissionPlan.objects.create(
        code="ODD",
        name="Odd",
        base_rate=D("0.5731"),
        step_mode="marginal",
        deal_bonus_rate=D("0.0125"),
    )
    for threshold, rate in (("1234.56", "0.0101"), ("98765.43", "0.0375"), ("400000", "0.0999")):
        PlanStep.objects.create(plan=odd, threshold=D(threshold), rate=D(rate))
    PlanTierBonus.objects.create(plan=odd, tier=tier("junior"), rate=D("0.0033"))
    flat = CommissionPlan.objects.create(code="FLAT", name="Flat", base_rate=D("0.4"))
    return [plan_p("whole", code="REF-W"), plan_p("marginal", code="REF-M"), odd, flat]


def _amount(rng):
    kind = rng.random()
    if kind < 0.1:
        return D(-rng.randint(1, 5_000_000)) / 100  # a return
    if kind < 0.15:
        return D("100000.00")  # on a threshold
    return D(rng.randint(1, 30_000_000)) / 100


def _history_tier(dealer, at_end, now_code):
    """The dealer was ``at_end`` at the end of October and is ``now_code`` since."""
    dealer.tier = tier(at_end)
    dealer.save()
    dealer.history.all().update(history_date=local(2026, 9, 1, 0, 0))
    dealer.tier = tier(now_code)
    dealer.save()
    dealer.history.filter(tier=tier(now_code)).update(history_date=local(2026, 11, 10, 0, 0))


def _generated(n, *, seed):
    rng = random.Random(seed)
    plans = _plans()
    tiers = ["registered", "junior", "senior", "expert"]
    dealers = []
    for i in range(n):
        dealer = DealerFactory(currency=rng.choice(["CNY", "CNY", "HKD"]), tier=tier("registered"))
        if i % 5 == 1:
            _history_tier(dealer, rng.choice(tiers), rng.choice(tiers))
        elif i % 5 == 2:
            dealer.tier = tier(rng.choice(tiers))
            dealer.save()
        if i % 7 == 3:
            pass  # no agreement: no statement
        elif i % 7 == 4:  # two agreements cover October: the one that started last wins
            give_plan(dealer, plans[0], status="ended", ends_on=dt.date(2026, 10, 15))
            give_plan(dealer, rng.choice(plans), starts_on=dt.date(2026, 10, 10))
        elif i % 7 == 5:
            give_plan(dealer, plans[1], status="draft")  # not in effect
        else:
            give_plan(dealer, plans[i % len(plans)])
        deal = register(dealer, f"Customer {seed}-{i}") if i % 4 == 0 else None
        for _ in range(rng.randint(0, 7)):
            line = sale(dealer, _amount(rng), local(2026, 10, rng.randint(1, 31), 12, 0))
            if deal is not None and rng.random() < 0.5:
                SaleLine.objects.filter(pk=line.pk).update(deal=deal)
        dealers.append(dealer)
    return dealers


def _texts(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def _ids(model):
    return list(model.objects.values_list("pk", flat=True))


def _before():
    return {
        "statements": _ids(CommissionStatement),
        "components": _ids(StatementComponent),
        "rollup": _ids(SalesMonth),
        "jobs": _ids(JobRun),
    }


def _snapshot(before):
    """Every row the run may write, as PostgreSQL's text of the row's JSON; rows made by the
    run without their ids and creation times (the two runs draw different ids)."""
    s, c = CommissionStatement._meta.db_table, StatementComponent._meta.db_table
    h = CommissionStatement.history.model._meta.db_table
    new = "CASE WHEN t.id = ANY(%s) THEN to_jsonb(t) ELSE to_jsonb(t) - 'id' - 'created_at' END"
    return {
        "statements": _texts(f"SELECT ({new})::text FROM {s} t", [before["statements"]]),
        "components": _texts(
            f"SELECT ({new} - 'statement_id' || jsonb_build_object("
            f"'statement', s.dealer_id::text || ' ' || s.period::text))::text "
            f"FROM {c} t JOIN {s} s ON s.id = t.statement_id",
            [before["components"]],
        ),
        "history": _texts(
            f"SELECT ({new} - 'history_id' - 'history_date')::text FROM {h} t",
            [before["statements"]],
        ),
        "rollup": _texts(
            f"SELECT (CASE WHEN t.id = ANY(%s) THEN to_jsonb(t) ELSE to_jsonb(t) - 'id' END)::text "
            f"FROM {SalesMonth._meta.db_table} t",
            [before["rollup"]],
        ),
        "jobs": _texts(
            f"SELECT (CASE WHEN t.id = ANY(%s) THEN to_jsonb(t) ELSE to_jsonb(t) - 'id' "
            f"- 'started_at' - 'finished_at' - 'heartbeat_at' END)::text "
            f"FROM {JobRun._meta.db_table} t",
            [before["jobs"]],
        ),
        "lines": _texts(f"SELECT to_jsonb(t)::text FROM {SaleLine._meta.db_table} t"),
    }


def _outcomes(outcomes, before):
    return [
        (
            o.dealer_id,
            o.statement_id if o.statement_id in before["statements"] else "new",
            o.result,
            str(o.net_sales),
            str(o.total),
        )
        for o in outcomes
    ]


def _same_as_reference(run_new, run_reference):
    """Run the reference in a rolled-back transaction, then the new run for good; both must
    answer and write the same."""
    before = _before()
    with transaction.atomic():
        expected = _outcomes(run_reference(), before), _snapshot(before)
        transaction.set_rollback(True)
    got = _outcomes(run_new(), before), _snapshot(before)
    assert got[0] == expected[0]
    for table in expected[1]:
        assert got[1][table] == expected[1][table], table
    return got[0]


def _build(period, **kwargs):
    return _same_as_reference(
        lambda: services.statements_build(period=period, now=NOW, **kwargs),
        lambda: reference.statements_build(period=period, now=NOW, **kwargs),
    )


def _results(outcomes):
    return sorted({result for _d, _s, result, _n, _t in outcomes})


def test_statement_run_writes_what_the_replaced_run_wrote(monkeypatch):
    monkeypatch.setattr(statements_module, "CHUNK_SIZE", 4)  # several chunks
    dealers = _generated(24, seed=2026)
    finance = StaffUserFactory(groups=["finance"])
    assert _results(_build(OCT, dry_run=True)) == ["created"]
    assert not CommissionStatement.objects.exists()
    assert _results(_build(OCT)) == ["created"]
    assert _results(_build(OCT)) == ["unchanged"]

    # finance adjusts and approves, a bonus is booked, lines arrive, a plan and tiers change
    drafts = list(CommissionStatement.objects.order_by("dealer_id"))
    services.statement_adjustment_add(
        statement=drafts[0], actor=finance, amount=D("-12.34"), reason="fix"
    )
    StatementComponent.objects.create(
        statement=drafts[1],
        dealer_id=drafts[1].dealer_id,
        kind="quarter_bonus",
        amount=D("52200.00"),
        bonus_period="2026Q3",
        derivation={"formula": "booked"},
    )
    for statement in drafts[2:5]:
        services.statement_approve(statement=statement, actor=finance)
    sale(dealers[6], "999.99", local(2026, 10, 30, 10, 0))
    step = PlanStep.objects.get(plan__code="REF-M", threshold=D("500000"))
    step.threshold = D("600000")  # a step few reach: derivations change, amounts rarely
    step.save()
    dealers[7].tier = tier("expert")
    dealers[7].save()
    assert _results(_build(OCT)) == ["locked", "unchanged", "updated"]
    assert _results(_build(OCT)) == ["locked", "unchanged"]

    # October lines reported in November, after their statements were approved: late
    approved = CommissionStatement.objects.filter(status="approved").values_list(
        "dealer", flat=True
    )
    for dealer_id in approved:
        line = sale(
            DealerFactory._meta.model.objects.get(pk=dealer_id),
            "5000.05",
            local(2026, 10, 28, 9, 0),
        )
        SaleLine.objects.filter(pk=line.pk).update(reported_at=local(2026, 11, 5, 9, 0))
    sale(dealers[8], "31337.00", local(2026, 11, 2, 9, 0))
    assert _results(_build(NOV)) == ["created"]
    late = StatementComponent.objects.filter(kind="late", statement__period=NOV)
    assert late.count() == len(approved)
    assert _results(_build(NOV)) == ["unchanged"]
    assert _results(_build(OCT, dealer_ids=[d.pk for d in dealers[:9]])) == ["locked", "unchanged"]


def _reference_job(**kwargs):
    with mock.patch.object(jobs.services, "statements_build", reference.statements_build):
        return jobs.statements_run(**kwargs)


def test_statement_job_records_what_the_replaced_run_recorded():
    _generated(9, seed=7)
    for _ in range(2):  # the first run and a re-run
        _same_as_reference(
            lambda: jobs.statements_run(period=OCT, now=NOW),
            lambda: _reference_job(period=OCT, now=NOW),
        )
    assert JobRun.objects.filter(job="run_commissions").count() == 2
