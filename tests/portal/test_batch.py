"""``portal.batch.fetch_together``: several querysets in one query, each giving exactly what
evaluating it alone gives."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from commissions.models import CommissionStatement
from conflicts.models import Ticket
from conflicts.selectors import ticket_list_visible_to
from dealers.models import Dealer, Tier
from portal.batch import fetch_together
from portal.models import Notification
from tests.conflicts.factories import make_ticket
from tests.factories import DealerFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def _same(a, b):
    """Same rows, same column values, same related objects and annotations."""
    assert [type(x) for x in a] == [type(x) for x in b]
    for x, y in zip(a, b, strict=True):
        if isinstance(x, dict):
            assert x == y and [type(v) for v in x.values()] == [type(v) for v in y.values()]
            continue
        for field in type(x)._meta.concrete_fields:
            left, right = getattr(x, field.attname), getattr(y, field.attname)
            assert left == right and type(left) is type(right), field.attname
            if isinstance(left, Decimal):
                assert str(left) == str(right), field.attname  # the scale is kept


def test_model_rows_related_objects_annotations_and_order_are_kept(django_assert_num_queries):
    staff = StaffUserFactory(is_superuser=True)
    dealer, other = DealerFactory(), DealerFactory()
    make_ticket(dealer, title="plain")
    make_ticket(dealer, category="channel", counterparty=other, title="with a counter-party")
    late = make_ticket(dealer, title="late")
    Ticket.objects.filter(pk=late.pk).update(
        resolution_due=timezone.now() - timedelta(hours=1), assignee=staff
    )
    now = timezone.now()
    tickets = ticket_list_visible_to(staff, now=now).order_by("-pk")[:2]
    statements = CommissionStatement.objects.select_related("dealer", "plan").order_by("pk")
    CommissionStatement.objects.create(
        dealer=dealer, period="2026-10-01", currency="CNY", total=Decimal("4321.50")
    )
    with django_assert_num_queries(1):
        got = fetch_together(tickets=tickets, statements=statements)
    alone = list(ticket_list_visible_to(staff, now=now).order_by("-pk")[:2])
    _same(got["tickets"], alone)
    assert [t.title for t in got["tickets"]] == ["late", "with a counter-party"]
    assert [t.current_sla_state for t in got["tickets"]] == ["breached", "on_track"]
    first, second = got["tickets"]
    with django_assert_num_queries(0):  # the related objects came with the rows
        assert (first.assignee, first.counterparty, second.counterparty) == (staff, None, other)
        assert (first.dealer.code, first.region.code) == (dealer.code, late.region.code)
        assert got["statements"][0].plan is None and got["statements"][0].dealer == dealer
    _same(got["statements"], list(statements))
    assert str(got["statements"][0].total) == "4321.50"


def test_values_rows_empty_querysets_and_json_columns():
    staff = StaffUserFactory()
    Notification.objects.create(
        recipient=staff,
        kind="test",
        title="x",
        title_message={"msgid": "Rate %(r)s", "params": {"r": 1.5, "n": [1, {"a": None}]}},
    )
    for code in ("A", "B"):
        DealerFactory(code=code)
    per_tier = Dealer.objects.values("tier_id").annotate(n=Count("pk")).order_by("tier_id")
    totals = Tier.objects.values("code").annotate(s=Sum("min_trailing_sales")).order_by("code")
    got = fetch_together(
        per_tier=per_tier,
        totals=totals,
        notifications=Notification.objects.all(),
        none=Notification.objects.none(),
        nothing=Notification.objects.filter(pk__in=[]),
    )
    _same(got["per_tier"], list(per_tier))
    _same(got["totals"], list(totals))
    _same(got["notifications"], list(Notification.objects.all()))
    assert got["notifications"][0].title_message["params"] == {"r": 1.5, "n": [1, {"a": None}]}
    assert got["none"] == [] and got["nothing"] == []
    assert fetch_together() == {}
