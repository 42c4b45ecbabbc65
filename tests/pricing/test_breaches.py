"""Breach detection (DOMAIN.md §13): the three examples, promotions, one ticket per (dealer,
product, month) with later lines appended, the command twin, and a constant number of
queries for a batch of any size."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from commissions.models import SaleLine
from conflicts.models import Ticket, TicketComment
from portal import events
from pricing.integrity import breaches_on_their_ticket
from pricing.models import PriceBreach, PriceCheck, PricingTicket
from pricing.services import price_breaches_check
from tests.conflicts.factories import defaults as sla_defaults
from tests.factories import DealerFactory, region_tree
from tests.pricing.factories import campaign, guide, line, product, promotion, sh, territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def p1():
    sla_defaults()
    region_tree()
    item = product("P-1")
    guide(item, "1000.00", "900.00", sh(2026, 11, 1))
    return item


def test_below_floor_beyond_tolerance_opens_a_pricing_ticket(dealer, p1):
    sold = line(dealer, p1, "1700.00", 2, sh(2026, 11, 15, 10))

    counts = price_breaches_check(sale_line_ids=[sold.pk])

    assert counts["breaches"] == 1 and counts["tickets_opened"] == 1
    link = PricingTicket.objects.get()
    assert (link.dealer, link.product, str(link.month)) == (dealer, p1, "2026-11-01")
    ticket = link.ticket
    assert (ticket.category, ticket.dealer) == ("pricing", dealer)
    assert ticket.group == "channel_manager"
    assert sold.external_id in ticket.display_description
    assert "850.00 < 900.00" in ticket.display_description
    breach = PriceBreach.objects.get()
    assert (breach.sale_line, breach.unit_price, breach.effective_floor) == (
        sold,
        D("850.0000"),
        D("900.00"),
    )


def test_inside_the_tolerance_is_no_breach(dealer, p1):
    sold = line(dealer, p1, "1792.00", 2, sh(2026, 11, 15, 10))
    assert price_breaches_check(sale_line_ids=[sold.pk])["breaches"] == 0
    assert not Ticket.objects.exists()
    check = PriceCheck.objects.get()
    assert (check.at_or_above_floor, check.breach) == (False, False)


def test_same_unit_price_is_a_breach_without_a_promotion_and_not_with_it(dealer, p1):
    other = DealerFactory()
    territory(dealer)
    territory(other)
    assert promotion(dealer, campaign(), "0.15").status == "approved"
    promoted = line(dealer, p1, "1700.00", 2, sh(2026, 11, 15, 10))
    plain = line(other, p1, "1700.00", 2, sh(2026, 11, 15, 10))
    outside_region = line(dealer, p1, "1700.00", 2, sh(2026, 11, 15, 10), region="CN-GD-GZ")

    price_breaches_check(sale_line_ids=[promoted.pk, plain.pk, outside_region.pk])

    assert set(PriceBreach.objects.values_list("sale_line_id", flat=True)) == {
        plain.pk,
        outside_region.pk,
    }
    assert PriceCheck.objects.get(pk=promoted.pk).at_or_above_floor


def test_a_pending_promotion_does_not_lower_the_floor(dealer, p1):
    territory(dealer)
    pending = promotion(dealer, campaign(), "0.30")
    assert (pending.status, pending.outside) == ("pending", ["discount"])
    sold = line(dealer, p1, "1400.00", 2, sh(2026, 11, 15, 10))
    assert price_breaches_check(sale_line_ids=[sold.pk])["breaches"] == 1


def test_later_breaches_of_the_month_are_appended_to_the_same_ticket(dealer, p1):
    first = line(dealer, p1, "1700.00", 2, sh(2026, 11, 3))
    price_breaches_check(sale_line_ids=[first.pk])
    later = line(dealer, p1, "800.00", 1, sh(2026, 11, 20), ext="INV-LATE")
    december = line(dealer, p1, "800.00", 1, sh(2026, 12, 1, 9))

    counts = price_breaches_check(sale_line_ids=[later.pk, december.pk])

    assert (counts["tickets_opened"], counts["tickets_appended"]) == (1, 1)
    november = PricingTicket.objects.get(month="2026-11-01")
    assert november.breaches.count() == 2
    comment = TicketComment.objects.get(ticket=november.ticket)
    assert "INV-LATE" in comment.body and not comment.internal
    november.ticket.refresh_from_db()
    assert november.ticket.first_response_at is None  # the portal's note is no response
    assert PricingTicket.objects.filter(month="2026-12-01").count() == 1


def test_checking_again_changes_nothing(dealer, p1):
    sold = line(dealer, p1, "1700.00", 2, sh(2026, 11, 15, 10))
    price_breaches_check(sale_line_ids=[sold.pk])
    assert price_breaches_check(sale_line_ids=[sold.pk]) == {
        "checked": 0,
        "breaches": 0,
        "tickets_opened": 0,
        "tickets_appended": 0,
    }
    assert (PriceBreach.objects.count(), TicketComment.objects.count()) == (1, 0)


def test_the_most_specific_regional_guide_applies(dealer, p1):
    guide(p1, "1000.00", "800.00", sh(2026, 11, 2), region="CN-GD")
    guide(p1, "1000.00", "950.00", sh(2026, 11, 10))  # later, but country-wide
    in_gd = line(dealer, p1, "820.00", 1, sh(2026, 11, 15))
    in_bj = line(dealer, p1, "920.00", 1, sh(2026, 11, 15), region="CN-BJ")
    price_breaches_check(sale_line_ids=[in_gd.pk, in_bj.pk])
    assert list(PriceBreach.objects.values_list("sale_line_id", flat=True)) == [in_bj.pk]


def test_returns_and_lines_without_a_guide_are_not_judged(dealer, p1):
    unguided = product("P-2")
    back = line(dealer, p1, "-1700.00", -2, sh(2026, 11, 15))
    free = line(dealer, unguided, "1.00", 1, sh(2026, 11, 15))
    assert price_breaches_check(sale_line_ids=[back.pk, free.pk])["checked"] == 0


def test_the_sales_recorded_subscriber_checks_the_batch(dealer, p1):
    sold = line(dealer, p1, "1700.00", 2, sh(2026, 11, 15, 10))
    with transaction.atomic():
        event = events.record("sales.recorded", {"sale_line_ids": [sold.pk]}, dealer=dealer)
    outcome = events.event_dispatch(event_id=event.pk)
    assert "pricing.check_price_breaches" in outcome.handled
    assert PricingTicket.objects.count() == 1


def test_the_command_checks_a_month_and_is_safe_to_rerun(dealer, p1, capsys):
    line(dealer, p1, "1700.00", 2, sh(2026, 11, 15, 10))
    line(dealer, p1, "1792.00", 2, sh(2026, 11, 16, 10))
    call_command("check_price_breaches", month="2026-11")
    assert "2 lines checked, 1 breaches, 1 tickets opened" in capsys.readouterr().out
    call_command("check_price_breaches", month="2026-11", dealer=dealer.code)
    assert "0 lines checked" in capsys.readouterr().out
    assert Ticket.objects.count() == 1


def _batch(dealer, item, n, day):
    SaleLine.objects.bulk_create(
        SaleLine(
            dealer=dealer,
            external_id=f"{item.sku}-{n}-{i}",
            product=item,
            quantity=D("2"),
            amount=D("1700.00") if i % 2 else D("1900.00"),
            currency=dealer.currency,
            sold_at=sh(2026, 11, day, 9) ,
            ship_to_region=region_tree()["CN-GD-SZ" if i % 3 else "CN-GD-GZ"],
        )
        for i in range(n)
    )
    return list(
        SaleLine.objects.filter(product=item, external_id__startswith=f"{item.sku}-{n}-")
        .values_list("pk", flat=True)
    )


def test_a_batch_of_10000_lines_is_checked_in_a_constant_number_of_queries(dealer, p1):
    territory(dealer)
    promotion(dealer, campaign(), "0.05")
    p2 = product("P-2")
    guide(p2, "1000.00", "900.00", sh(2026, 11, 1))
    small = _batch(dealer, p1, 10, 5)
    big = _batch(dealer, p2, 10_000, 6)

    with CaptureQueriesContext(connection) as few:
        price_breaches_check(sale_line_ids=small)
    with CaptureQueriesContext(connection) as many:
        counts = price_breaches_check(sale_line_ids=big)

    assert counts == {
        "checked": 10_000,
        "breaches": 5_000,
        "tickets_opened": 1,
        "tickets_appended": 0,
    }
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 40  # pinned: a batch costs this, whatever its size
    assert PriceBreach.objects.count() == 5_005


def test_the_integrity_check_finds_a_breach_off_its_ticket(dealer, p1):
    sold = line(dealer, p1, "1700.00", 2, sh(2026, 11, 15, 10))
    price_breaches_check(sale_line_ids=[sold.pk])
    assert breaches_on_their_ticket() == []
    PriceCheck.objects.filter(pk=sold.pk).update(breach=False)
    assert len(breaches_on_their_ticket()) == 1
