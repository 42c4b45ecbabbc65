"""Every §15 topic is recorded by the service that makes the change, in its transaction,
with the documented payload and dealer scope (docs/events.md)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from commissions import services as commissions
from commissions.models import CommissionStatement
from conflicts import services as conflicts
from dealers import services as dealers
from inventory import services as inventory
from portal.models import Event
from reviews.models import QuarterlyReview
from reviews.services import review_assess, review_finalise
from tests.commissions.factories import give_plan, local, plan_p, sale, senior
from tests.conflicts.factories import make_ticket, sh
from tests.dealers.factories import submit_application
from tests.factories import ApiKeyFactory, DealerFactory, StaffUserFactory, tier
from tests.inventory.factories import ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def recorded(topic):
    return list(Event.objects.filter(topic=topic).order_by("pk"))


def test_statement_approved_and_paid():
    dealer = senior(DealerFactory())
    give_plan(dealer, plan_p("whole"))
    sale(dealer, "120000.00", local(2026, 10, 5, 10, 0))
    commissions.statements_build(period=dt.date(2026, 10, 1), dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer)
    finance = StaffUserFactory(groups=["finance"])
    commissions.statement_approve(statement=statement, actor=finance)
    commissions.statement_mark_paid(statement=statement, actor=finance, reference="TX-9")
    statement.refresh_from_db()
    [approved] = recorded("statement.approved")
    assert approved.dealer == dealer
    assert approved.payload["statement"] == statement.pk
    assert approved.payload["period"] == "2026-10" and approved.payload["status"] == "approved"
    assert approved.payload["total"] == f"{statement.total:.2f}"
    [paid] = recorded("statement.paid")
    assert paid.payload["status"] == "paid" and paid.payload["payment_reference"] == "TX-9"


def test_a_refused_approval_records_nothing():
    dealer = senior(DealerFactory())
    give_plan(dealer, plan_p("whole"))
    sale(dealer, "120000.00", local(2026, 10, 5, 10, 0))
    commissions.statements_build(period=dt.date(2026, 10, 1), dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer)
    with pytest.raises(ValidationError):
        commissions.statement_approve(
            statement=statement, actor=StaffUserFactory(groups=["finance"]), expected_total=1
        )
    assert recorded("statement.approved") == []


def test_ticket_opened_resolved_and_escalated_for_each_party():
    dealer, counterparty = DealerFactory(), DealerFactory()
    ticket = make_ticket(dealer, category="channel", counterparty=counterparty)
    opened = recorded("ticket.opened")
    assert [e.dealer for e in opened] == [dealer, counterparty]
    assert opened[0].payload == opened[1].payload
    assert opened[0].payload["ticket"] == ticket.pk
    assert opened[0].payload["counterparty"] == counterparty.code
    staff = StaffUserFactory(is_superuser=True)
    conflicts.ticket_transition(actor=staff, ticket=ticket, status="in_progress")
    conflicts.ticket_transition(actor=staff, ticket=ticket, status="resolved")
    resolved = recorded("ticket.resolved")
    assert [e.dealer for e in resolved] == [dealer, counterparty]
    assert resolved[0].payload["status"] == "resolved"

    late = make_ticket(opened_at=sh(2026, 11, 23, 9))
    conflicts.ticket_escalate_due(now=sh(2026, 11, 25, 10, 12))
    [escalated] = recorded("ticket.escalated")
    assert escalated.dealer == late.dealer
    assert escalated.payload["ticket"] == late.pk and escalated.payload["level"] == 1
    assert "group" not in escalated.payload  # internal routing stays internal


def test_dealer_approved_and_status_changed():
    tier("registered")
    application = submit_application()
    dealer = dealers.application_approve(
        application=application, by=StaffUserFactory(is_superuser=True)
    )
    [approved] = recorded("dealer.approved")
    assert approved.dealer == dealer and approved.payload["dealer"] == dealer.code
    dealers.dealer_suspend(dealer=dealer, reason="audit")
    dealers.dealer_reinstate(dealer=dealer)
    changes = recorded("dealer.status_changed")
    assert [(e.payload["old_status"], e.payload["status"]) for e in changes] == [
        ("active", "suspended"),
        ("suspended", "active"),
    ]


def test_stock_levels_changed_once_per_request_and_dealer():
    a, b = WarehouseFactory(), WarehouseFactory()
    product = ProductFactory()
    at = "2026-11-20T08:00:00+08:00"
    result = inventory.stock_levels_apply_sets(
        actor=ApiKeyFactory.issue(manufacturer=True)[0],
        items=[
            {"warehouse": a.code, "sku": product.sku, "quantity": "5", "as_of": at},
            {"warehouse": b.code, "sku": product.sku, "quantity": "7", "as_of": at},
        ],
    )
    changed = recorded("stock.levels_changed")
    assert {e.dealer_id for e in changed} == {a.dealer_id, b.dealer_id}
    assert {e.payload["request_id"] for e in changed} == {result.request_id}
    by_dealer = {e.dealer_id: e.payload["levels"] for e in changed}
    assert by_dealer[a.dealer_id] == [
        {"warehouse": a.code, "sku": product.sku, "quantity": "5.000"}
    ]
    # the same counts again are stale: nothing changed, nothing recorded
    inventory.stock_levels_apply_sets(
        actor=ApiKeyFactory.issue(manufacturer=True)[0],
        items=[{"warehouse": a.code, "sku": product.sku, "quantity": "6", "as_of": at}],
    )
    assert len(recorded("stock.levels_changed")) == 2


def test_stock_alert_opened_for_a_stale_warehouse():
    warehouse = WarehouseFactory()
    inventory.stock_stale_flags_evaluate(now=dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    [opened] = recorded("stock.alert_opened")
    assert opened.dealer_id == warehouse.dealer_id
    assert opened.payload["kind"] == "stale_data" and opened.payload["warehouse"] == warehouse.code


def test_review_finalised():
    dealer = DealerFactory()
    staff = StaffUserFactory(is_superuser=True)
    review = QuarterlyReview.objects.create(dealer=dealer, quarter="2026Q3")
    review_assess(actor=staff, review=review, satisfaction_score=5, communication_score=4)
    review_finalise(actor=staff, review=review)
    [finalised] = recorded("review.finalised")
    assert finalised.dealer == dealer
    assert finalised.payload["quarter"] == "2026Q3" and finalised.payload["review"] == review.pk
