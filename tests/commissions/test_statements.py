"""Monthly statements (DOMAIN.md §6.3): build, recompute, late lines, adjustments,
approval, payment, and the database's refusal to change approved statements."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from commissions import services
from commissions.models import CommissionStatement, StatementComponent
from portal.periods import Month
from tests.commissions.factories import give_plan, local, plan_p, sale, senior
from tests.factories import DealerFactory, StaffUserFactory, tier

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
NOV = dt.date(2026, 11, 1)
AFTER_OCT = local(2026, 11, 3, 9, 0)


@pytest.fixture
def finance(db):
    return StaffUserFactory(groups=["finance"])


def october_dealer(mode):
    dealer = senior(DealerFactory())
    give_plan(dealer, plan_p(mode))
    sale(dealer, "120000.00", local(2026, 10, 5, 10, 0))
    sale(dealer, "200000.00", local(2026, 10, 20, 15, 0))
    return dealer


def components(statement):
    return {c.kind: c.amount for c in statement.components.all()}


@pytest.mark.parametrize(
    "mode,step,total",
    [("whole", D("11200.00"), D("204800.00")), ("marginal", D("4700.00"), D("198300.00"))],
)
def test_worked_example_statement(mode, step, total):
    dealer = october_dealer(mode)
    [outcome] = services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(pk=outcome.statement_id)
    assert outcome.result == "created"
    assert statement.status == "draft"
    assert statement.net_sales == D("320000.00")
    assert statement.line_count == 2
    assert statement.tier_code == "senior"
    assert statement.base_rate == D("0.6000")
    assert components(statement) == {"base": D("192000.00"), "step": step, "tier": D("1600.00")}
    assert statement.total == total


def test_months_are_counted_in_the_manufacturers_zone():
    dealer = DealerFactory()
    give_plan(dealer, plan_p())
    sale(dealer, "100.00", dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC))  # 00:30 Oct 1 +08
    sale(dealer, "7.00", dt.datetime(2026, 10, 31, 16, 0, tzinfo=dt.UTC))  # 00:00 Nov 1 +08
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    assert CommissionStatement.objects.get(dealer=dealer, period=OCT).net_sales == D("100.00")


def test_negative_month():
    dealer = DealerFactory()
    give_plan(dealer, plan_p("marginal"))
    sale(dealer, "1000.00", local(2026, 10, 2, 9, 0))
    sale(dealer, "-3000.55", local(2026, 10, 3, 9, 0))
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer, period=OCT)
    assert statement.net_sales == D("-2000.55")
    assert components(statement) == {"base": D("-1200.33"), "step": D("0.00"), "tier": D("0.00")}
    assert statement.total == D("-1200.33")


def test_rerun_gives_an_identical_draft_and_keeps_component_rows():
    dealer = october_dealer("whole")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer)
    before = list(statement.components.values_list("pk", "kind", "amount", "derivation"))
    history = statement.history.count()
    [again] = services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    assert again.result == "unchanged"
    assert list(statement.components.values_list("pk", "kind", "amount", "derivation")) == before
    assert statement.history.count() == history  # nothing written


def test_new_lines_update_the_draft_in_place():
    dealer = october_dealer("whole")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    base_pk = StatementComponent.objects.get(dealer=dealer, kind="base").pk
    sale(dealer, "-20000.00", local(2026, 10, 25, 9, 0))  # a return
    [outcome] = services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer)
    assert outcome.result == "updated"
    # 300,000: 180,000 + 10,500 + 1,500
    assert components(statement) == {
        "base": D("180000.00"),
        "step": D("10500.00"),
        "tier": D("1500.00"),
    }
    assert statement.total == D("192000.00")
    assert StatementComponent.objects.get(dealer=dealer, kind="base").pk == base_pk


def test_effective_dated_plan_through_the_agreement():
    dealer = DealerFactory()
    whole, marginal = plan_p("whole"), plan_p("marginal")
    give_plan(
        dealer, whole, status="ended", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2026, 9, 30)
    )
    give_plan(dealer, marginal, starts_on=dt.date(2026, 10, 1))
    give_plan(
        dealer, plan_p("whole"), status="draft", starts_on=dt.date(2026, 10, 15)
    )  # not yet in force
    sale(dealer, "320000.00", local(2026, 9, 10, 9, 0))
    sale(dealer, "320000.00", local(2026, 10, 10, 9, 0))
    services.statements_build(period=dt.date(2026, 9, 1), dealer_ids=[dealer.pk])
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    sep = CommissionStatement.objects.get(dealer=dealer, period=dt.date(2026, 9, 1))
    octo = CommissionStatement.objects.get(dealer=dealer, period=OCT)
    assert (sep.plan, components(sep)["step"]) == (whole, D("11200.00"))
    assert (octo.plan, components(octo)["step"]) == (marginal, D("4700.00"))


def test_dealers_without_a_plan_get_no_statement():
    dealer = DealerFactory()
    sale(dealer, "10.00", local(2026, 10, 10, 9, 0))
    assert services.statements_build(period=OCT, dealer_ids=[dealer.pk]) == []
    assert not CommissionStatement.objects.filter(dealer=dealer).exists()


def test_tier_is_the_one_at_the_end_of_the_month():
    dealer = october_dealer("whole")  # senior since today (history), expert later
    statement_now = services.statements_build(period=OCT, dealer_ids=[dealer.pk])[0]
    assert CommissionStatement.objects.get(pk=statement_now.statement_id).tier_code == "senior"
    # The history says: at the end of October the dealer was still "registered".
    history = dealer.history.order_by("history_date")
    first = history.first()
    type(first).objects.filter(pk=first.pk).update(
        history_date=local(2026, 9, 1, 0, 0), tier_id=tier("registered").pk
    )
    type(first).objects.exclude(pk=first.pk).filter(id=dealer.pk).update(
        history_date=local(2026, 11, 10, 0, 0)
    )
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer, period=OCT)
    assert statement.tier_code == "registered"
    assert components(statement)["tier"] == D("0.00")


def test_dry_run_writes_nothing():
    dealer = october_dealer("whole")
    [outcome] = services.statements_build(period=OCT, dealer_ids=[dealer.pk], dry_run=True)
    assert outcome.total == D("204800.00")
    assert not CommissionStatement.objects.filter(dealer=dealer).exists()


def test_statement_run_query_count_does_not_grow_with_lines(django_assert_max_num_queries):
    def run_with(n_lines):
        dealers = [DealerFactory() for _ in range(3)]
        for dealer in dealers:
            give_plan(dealer, plan_p("marginal"))
            for i in range(n_lines):
                sale(dealer, "1000.00", local(2026, 10, 1 + i % 28, 10, 0))
        ids = [d.pk for d in dealers]
        with CaptureQueriesContext(connection) as ctx:
            services.statements_build(period=OCT, dealer_ids=ids)
        return len(ctx.captured_queries), dealers

    few, _ = run_with(2)
    many, dealers = run_with(60)
    assert many == few
    statement = CommissionStatement.objects.get(dealer=dealers[0])
    assert statement.net_sales == D("60000.00") and statement.line_count == 60


# --- approval, payment, immutability ------------------------------------------------------


def test_finance_approves_and_marks_paid(finance):
    dealer = october_dealer("whole")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer)
    approved = services.statement_approve(
        statement=statement, actor=finance, expected_total=D("204800.00")
    )
    assert approved.status == "approved" and approved.approved_by == f"user:{finance.username}"
    paid = services.statement_mark_paid(statement=statement, actor=finance, reference="TX-1")
    assert paid.status == "paid" and paid.payment_reference == "TX-1"
    statement.refresh_from_db()
    assert (statement.status, statement.total) == ("paid", D("204800.00"))


def test_only_finance_approves(db):
    dealer = october_dealer("whole")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer)
    support = StaffUserFactory(groups=["support"])
    with pytest.raises(PermissionDenied):
        services.statement_approve(statement=statement, actor=support)
    statement.refresh_from_db()
    assert statement.status == "draft" and statement.approved_at is None


def test_approval_refuses_an_unfinished_month_and_a_changed_total(finance):
    dealer = october_dealer("whole")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer)
    with pytest.raises(ValidationError) as exc:
        services.statement_approve(
            statement=statement, actor=finance, now=local(2026, 10, 31, 23, 0)
        )
    assert exc.value.code == "period_not_over"
    sale(dealer, "10000.00", local(2026, 10, 30, 9, 0))  # arrived since the review
    with pytest.raises(ValidationError) as exc:
        services.statement_approve(
            statement=statement, actor=finance, expected_total=D("204800.00")
        )
    assert exc.value.code == "total_changed"
    statement.refresh_from_db()
    assert statement.status == "draft"


def test_approval_includes_lines_reported_since_the_last_run(finance):
    dealer = october_dealer("whole")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    sale(dealer, "-20000.00", local(2026, 10, 30, 9, 0))
    statement = services.statement_approve(
        statement=CommissionStatement.objects.get(dealer=dealer), actor=finance
    )
    assert statement.total == D("192000.00")


def test_approved_statements_are_left_alone_by_runs(finance):
    dealer = october_dealer("whole")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = services.statement_approve(
        statement=CommissionStatement.objects.get(dealer=dealer), actor=finance
    )
    before = list(statement.components.values_list("pk", "amount", "derivation"))
    sale(dealer, "-20000.00", local(2026, 10, 30, 9, 0))
    [outcome] = services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    assert outcome.result == "locked"
    statement.refresh_from_db()
    assert statement.total == D("204800.00")
    assert list(statement.components.values_list("pk", "amount", "derivation")) == before
    with pytest.raises(ValidationError):
        services.statement_adjustment_add(
            statement=statement, actor=finance, amount=D("1"), reason="x"
        )
    with pytest.raises(ValidationError):
        services.statement_approve(statement=statement, actor=finance)


def test_database_refuses_to_change_an_approved_statement(finance):
    dealer = october_dealer("whole")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = services.statement_approve(
        statement=CommissionStatement.objects.get(dealer=dealer), actor=finance
    )
    table = CommissionStatement._meta.db_table
    component_table = StatementComponent._meta.db_table
    for sql in (
        f"UPDATE {table} SET total = 1 WHERE id = %s",
        f"UPDATE {table} SET status = 'draft' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
        f"UPDATE {component_table} SET amount = 1 WHERE statement_id = %s",
        f"DELETE FROM {component_table} WHERE statement_id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [statement.pk])
    statement.refresh_from_db()
    assert (statement.status, statement.total) == ("approved", D("204800.00"))
    # the one allowed step: approved → paid; then nothing at all
    services.statement_mark_paid(statement=statement, actor=finance)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET payment_reference = 'x' WHERE id = %s", [statement.pk])


def test_drafts_may_still_change_in_the_database():
    dealer = october_dealer("whole")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CommissionStatement._meta.db_table} SET line_count = 9 WHERE dealer_id = %s",
            [dealer.pk],
        )
    assert CommissionStatement.objects.get(dealer=dealer).line_count == 9


# --- late lines and adjustments -----------------------------------------------------------


def test_late_line_counts_once_in_the_draft_of_the_month_it_is_reported(finance):
    dealer = october_dealer("whole")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    october = services.statement_approve(
        statement=CommissionStatement.objects.get(dealer=dealer), actor=finance
    )
    late = sale(dealer, "5000.05", local(2026, 10, 28, 9, 0), external_id="LATE-1")
    reported_month = Month.current().first_day
    services.statements_build(period=reported_month, dealer_ids=[dealer.pk])
    services.statements_build(period=reported_month, dealer_ids=[dealer.pk])
    draft = CommissionStatement.objects.get(dealer=dealer, period=reported_month)
    [component] = draft.components.filter(kind="late")
    assert component.sale_line == late
    assert component.amount == D("3000.03")  # 5,000.05 × 0.60 = 3,000.03
    assert component.derivation["sold_in"] == "2026-10"
    assert draft.total == D("3000.03")  # no sales of its own this month
    october.refresh_from_db()
    assert october.total == D("204800.00")


def test_lines_before_the_approval_are_not_late(finance):
    dealer = october_dealer("whole")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    services.statement_approve(
        statement=CommissionStatement.objects.get(dealer=dealer), actor=finance
    )
    services.statements_build(period=Month.current().first_day, dealer_ids=[dealer.pk])
    assert not StatementComponent.objects.filter(dealer=dealer, kind="late").exists()


def test_adjustment_with_reason_survives_recomputation(finance):
    dealer = october_dealer("whole")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer)
    with pytest.raises(ValidationError):
        services.statement_adjustment_add(
            statement=statement, actor=finance, amount=D("5"), reason=" "
        )
    with pytest.raises(PermissionDenied):
        services.statement_adjustment_add(
            statement=statement, actor=StaffUserFactory(), amount=D("5"), reason="x"
        )
    services.statement_adjustment_add(
        statement=statement, actor=finance, amount=D("-800.00"), reason="Demo unit returned"
    )
    statement.refresh_from_db()
    assert statement.total == D("204000.00")
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement.refresh_from_db()
    assert statement.total == D("204000.00")
    adjustment = statement.components.get(kind="adjustment")
    assert adjustment.reason == "Demo unit returned"
    assert adjustment.created_by == f"user:{finance.username}"


@pytest.mark.django_db(transaction=True)
def test_a_line_arriving_during_approval_is_late_not_lost():
    import threading

    from tests.factories import ApiKeyFactory, region_tree

    finance = StaffUserFactory(groups=["finance"])
    dealer = october_dealer("whole")
    region_tree()
    key = ApiKeyFactory.issue(dealer=dealer)[0]
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer)
    done = threading.Event()

    def report():
        try:
            services.sale_lines_ingest(
                actor=key,
                lines=[
                    {
                        "external_id": "RACE-1",
                        "sku": "SKU-1",
                        "quantity": "1",
                        "amount": "1000.00",
                        "sold_at": "2026-10-30T10:00:00+08:00",
                        "ship_to_region": "CN-GD-SZ",
                    }
                ],
            )
        finally:
            done.set()
            connection.close()

    with transaction.atomic():
        CommissionStatement.objects.select_for_update().get(pk=statement.pk)  # approval starts
        thread = threading.Thread(target=report)
        thread.start()
        assert not done.wait(1.0)  # the report waits for the approval to finish
        services.statement_approve(statement=statement, actor=finance)
    thread.join(10)
    assert done.is_set()
    statement.refresh_from_db()
    assert statement.total == D("204800.00")  # approved without the line ...
    current = Month.current().first_day
    services.statements_build(period=current, dealer_ids=[dealer.pk])
    late = StatementComponent.objects.get(dealer=dealer, kind="late")  # ... which is late
    assert late.sale_line.external_id == "RACE-1" and late.amount == D("600.00")
