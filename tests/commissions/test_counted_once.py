"""A sale line counts exactly once (DOMAIN.md §6.3): in the approved figures of its month or
as a ``late`` component of a later draft, never both and never neither, whatever the
interleaving of approval and ingestion on two connections and whatever the clocks say. And
approved and paid statements are refused by the model layer too (the SQLite demo has no
trigger)."""

import datetime as dt
import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from commissions import services
from commissions.models import CommissionStatement, SaleLine, StatementComponent
from portal.periods import Month
from tests.commissions.factories import give_plan, local, plan_p, sale, senior
from tests.factories import ApiKeyFactory, DealerFactory, StaffUserFactory, region_tree

OCT = dt.date(2026, 10, 1)
RACE_LINE = {
    "external_id": "RACE-1",
    "sku": "SKU-1",
    "quantity": "1",
    "amount": "1000.00",
    "sold_at": "2026-10-30T10:00:00+08:00",
    "ship_to_region": "CN-GD-SZ",
}
# October of plan P (whole, senior) with 320,000.00, and with the race line's 1,000.00 more
WITHOUT_LINE = D("204800.00")
WITH_LINE = D("205440.00")  # 192,600 + 3.5 % × 321,000 = 11,235 + 0.5 % = 1,605


def _october():
    finance = StaffUserFactory(groups=["finance"])
    dealer = senior(DealerFactory())
    give_plan(dealer, plan_p("whole"))
    sale(dealer, "120000.00", local(2026, 10, 5, 10, 0))
    sale(dealer, "200000.00", local(2026, 10, 20, 15, 0))
    region_tree()
    key = ApiKeyFactory.issue(dealer=dealer)[0]
    services.statements_build(period=OCT, dealer_ids=[dealer.pk])
    return finance, dealer, key, CommissionStatement.objects.get(dealer=dealer, period=OCT)


class _Worker(threading.Thread):
    """Runs ``target`` on its own database connection; keeps its error for the test."""

    def __init__(self, target):
        super().__init__(daemon=True)
        self._target_fn, self.error, self.done = target, None, threading.Event()

    def run(self):
        try:
            self._target_fn()
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.done.set()
            connection.close()


def _where_the_line_counts(dealer, statement):
    """(approved total of October, late components of the line in the current draft)."""
    statement.refresh_from_db()
    services.statements_build(period=Month.current().first_day, dealer_ids=[dealer.pk])
    late = StatementComponent.objects.filter(dealer=dealer, kind="late")
    return statement.total, [c.sale_line.external_id for c in late]


@pytest.mark.django_db(transaction=True)
def test_ingestion_holding_the_lock_first_counts_the_line_in_the_approval_only():
    """Ingestion locks October and inserts; the approval (its clock read earlier) waits,
    then sees the committed line: it is in the approved figures and not late next month."""
    finance, dealer, key, statement = _october()
    approval_clock = timezone.now()  # read before the lock, as an approval may
    inserted, commit = threading.Event(), threading.Event()

    def ingest():
        with transaction.atomic():
            services.sale_lines_ingest(actor=key, lines=[RACE_LINE])
            inserted.set()
            assert commit.wait(10)

    ingestion = _Worker(ingest)
    ingestion.start()
    assert inserted.wait(10)
    approval = _Worker(
        lambda: services.statement_approve(statement=statement, actor=finance, now=approval_clock)
    )
    approval.start()
    assert not approval.done.wait(0.5)  # waits for the ingestion's lock
    commit.set()
    ingestion.join(10)
    approval.join(10)
    assert ingestion.error is None and approval.error is None
    total, late = _where_the_line_counts(dealer, statement)
    assert (total, late) == (WITH_LINE, [])
    assert SaleLine.objects.get(external_id="RACE-1").counted_in_id == statement.pk


@pytest.mark.django_db(transaction=True)
def test_approval_holding_the_lock_first_makes_the_line_late_whatever_its_clock():
    """The approval locks October (its server's clock an hour ahead); the ingestion waits,
    then commits: the line is not in the approved figures, so it is late next month."""
    finance, dealer, key, statement = _october()
    ahead = timezone.now() + dt.timedelta(hours=1)

    with transaction.atomic():
        services.statement_approve(statement=statement, actor=finance, now=ahead)
        ingestion = _Worker(lambda: services.sale_lines_ingest(actor=key, lines=[RACE_LINE]))
        ingestion.start()
        assert not ingestion.done.wait(0.5)  # waits for the approval's lock
    ingestion.join(10)
    assert ingestion.error is None
    total, late = _where_the_line_counts(dealer, statement)
    assert (total, late) == (WITHOUT_LINE, ["RACE-1"])
    line = SaleLine.objects.get(external_id="RACE-1")
    assert line.counted_in_id is None  # counted by the draft; recorded when that is approved
    current = CommissionStatement.objects.get(dealer=dealer, period=Month.current().first_day)
    assert current.status == "draft"


@pytest.mark.django_db
def test_approving_the_late_draft_records_where_the_late_line_counted():
    finance, dealer, _key, october = _october()
    services.statement_approve(statement=october, actor=finance)
    late = sale(dealer, "100.00", local(2026, 10, 28, 9, 0), external_id="LATE-9")
    november = dt.date(2026, 11, 1)
    SaleLine.objects.filter(pk=late.pk).update(reported_at=local(2026, 11, 10, 9, 0))
    services.statements_build(period=november, dealer_ids=[dealer.pk])
    draft = CommissionStatement.objects.get(dealer=dealer, period=november)
    services.statement_approve(statement=draft, actor=finance)
    late.refresh_from_db()
    assert late.counted_in_id == draft.pk
    assert SaleLine.objects.filter(dealer=dealer, counted_in=october).count() == 2
    # a later draft does not count it again
    services.statements_build(period=Month.current().first_day, dealer_ids=[dealer.pk])
    assert StatementComponent.objects.filter(sale_line=late).count() == 1


# --- the model layer refuses, not only the PostgreSQL trigger -----------------------------


@pytest.mark.django_db
def test_model_layer_refuses_to_change_or_delete_approved_and_paid_statements():
    finance, _dealer, _key, statement = _october()
    services.statement_approve(statement=statement, actor=finance)
    approved = CommissionStatement.objects.get(pk=statement.pk)
    approved.total = D("1.00")
    with pytest.raises(ValidationError) as exc:
        approved.save()
    assert exc.value.code == "statement_locked"
    approved = CommissionStatement.objects.get(pk=statement.pk)
    approved.status = "draft"
    with pytest.raises(ValidationError):
        approved.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        CommissionStatement.objects.get(pk=statement.pk).delete()
    with pytest.raises(ValidationError):
        CommissionStatement.objects.filter(pk=statement.pk).delete()
    component = StatementComponent.objects.filter(statement=statement).first()
    component.amount = D("1.00")
    with pytest.raises(ValidationError):
        component.save()
    with pytest.raises(ValidationError):
        component.delete()
    # the one allowed step, then nothing at all
    paid = services.statement_mark_paid(statement=statement, actor=finance, reference="T-1")
    paid = CommissionStatement.objects.get(pk=paid.pk)
    paid.payment_reference = "changed"
    with pytest.raises(ValidationError):
        paid.save()
    with pytest.raises(ValidationError):
        paid.delete()
    statement.refresh_from_db()
    assert (statement.status, statement.total, statement.payment_reference) == (
        "paid",
        WITHOUT_LINE,
        "T-1",
    )


@pytest.mark.django_db
def test_model_layer_lets_drafts_change():
    _finance, _dealer, _key, statement = _october()
    statement.line_count = 9
    statement.save()
    assert CommissionStatement.objects.get(pk=statement.pk).line_count == 9


@pytest.mark.django_db
def test_model_layer_knows_the_stored_status_after_a_refresh():
    finance, _dealer, _key, statement = _october()
    services.statement_approve(statement=statement, actor=finance)
    statement.refresh_from_db()  # loaded as a draft, approved meanwhile
    statement.total = D("1.00")
    with pytest.raises(ValidationError):
        statement.save()
