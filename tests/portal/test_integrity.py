"""``manage.py check_integrity``: passes on consistent data (the demo data with statements
in every state, escalated tickets and stock ledgers), and names each deliberately broken
invariant."""

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from commissions.models import CommissionStatement, SaleLine, StatementComponent
from conflicts.models import Escalation, Ticket
from inventory.models import StockLevel

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(900)]  # seed_demo on a busy machine


def check_integrity() -> str:
    out = StringIO()
    call_command("check_integrity", stdout=out, stderr=out)
    return out.getvalue()


def drop_constraint(table, name):
    """Drop a unique rule (a constraint, or a partial unique index), inside the test's
    transaction, to be able to write the row it forbids."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred checks
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def break_stock_ledger():
    StockLevel.objects.filter(pk=StockLevel.objects.order_by("pk")[0].pk).update(quantity=99999)


def break_statement_total():
    draft = CommissionStatement.objects.filter(status="draft").order_by("pk")[0]
    CommissionStatement.objects.filter(pk=draft.pk).update(total=draft.total + 1)


def break_component_dealer():
    draft = CommissionStatement.objects.filter(status="draft").order_by("pk")[0]
    other = CommissionStatement.objects.exclude(dealer=draft.dealer).order_by("pk")[0]
    StatementComponent.objects.filter(statement=draft).update(dealer=other.dealer)


def count_a_line_late_and_in_its_month():
    draft = CommissionStatement.objects.filter(status="draft").order_by("pk")[0]
    line = SaleLine.objects.filter(dealer=draft.dealer, sold_at__date__gte=draft.period).first()
    late = StatementComponent.objects.create(
        statement=draft, dealer=draft.dealer, kind="late", amount=1, sale_line=line
    )
    CommissionStatement.objects.filter(pk=draft.pk).update(total=draft.total + 1)
    return late


def count_a_line_late_twice():
    drop_constraint(StatementComponent._meta.db_table, "component_late_line_once")
    late = count_a_line_late_and_in_its_month()
    late.pk = None
    late.save()
    statement = CommissionStatement.objects.get(pk=late.statement_id)
    CommissionStatement.objects.filter(pk=statement.pk).update(total=statement.total + 1)


def escalate_twice_to_one_level():
    drop_constraint(Escalation._meta.db_table, "escalation_once_per_ticket_level")
    escalation = Escalation.objects.order_by("pk")[0]
    escalation.pk = None
    escalation.save()


def raise_a_level_without_escalation():
    Ticket.objects.filter(escalation_level=0).update(escalation_level=3)


def orphan_a_ticket_subject():
    ticket = Ticket.objects.order_by("pk")[0]
    Ticket.objects.filter(pk=ticket.pk).update(
        subject_type=ContentType.objects.get_for_model(SaleLine), subject_id=10**12
    )


BREAKS = {
    break_stock_ledger: "inventory.stock_ledger",
    break_statement_total: "commissions.statement_totals",
    break_component_dealer: "commissions.components_belong_to_their_statement",
    count_a_line_late_and_in_its_month: "commissions.sale_lines_counted_once",
    count_a_line_late_twice: "counted late 2 times",
    escalate_twice_to_one_level: "conflicts.escalations_once",
    raise_a_level_without_escalation: "but its escalations reach 0",
    orphan_a_ticket_subject: "conflicts.ticket_subjects_exist",
}


def test_demo_data_is_consistent_and_each_broken_invariant_is_reported():
    call_command("seed_demo", stdout=StringIO())
    assert StockLevel.objects.exists() and Escalation.objects.exists()
    assert CommissionStatement.objects.filter(status="draft").exists()
    assert "Integrity OK" in check_integrity()

    for breaker, expected in BREAKS.items():
        with transaction.atomic():
            breaker()
            with pytest.raises(CommandError) as failure:
                out = StringIO()
                call_command("check_integrity", stdout=out, stderr=out)
            assert "integrity violation" in str(failure.value), breaker.__name__
            assert expected in out.getvalue(), (breaker.__name__, out.getvalue())
            transaction.set_rollback(True)
    assert "Integrity OK" in check_integrity()
