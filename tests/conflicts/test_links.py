"""Channel conflicts from sales (§2), disputes (CONTRACTS.md) and SLA metrics (§7.5)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ObjectDoesNotExist

from commissions.models import SaleLine
from conflicts import selectors, services
from conflicts.models import ChannelConflict, Ticket
from dealers.models import Product
from tests.conflicts.factories import defaults, make_ticket, sh
from tests.factories import (
    DealerFactory,
    DealerUserFactory,
    ProductLineFactory,
    StaffUserFactory,
    TerritoryFactory,
    region_tree,
)

pytestmark = pytest.mark.django_db


def _sale(dealer, product, region, *, ext="S1", qty="1", when=None):
    return SaleLine.objects.create(
        dealer=dealer,
        external_id=ext,
        product=product,
        quantity=Decimal(qty),
        amount=Decimal(qty) * 100,
        currency="CNY",
        sold_at=when or sh(2026, 11, 10, 12),
        ship_to_region=region,
    )


@pytest.fixture
def setup():
    defaults()
    tree = region_tree()
    line = ProductLineFactory(code="PL-HOME")
    product = Product.objects.create(sku="H-1", name="Home", product_line=line)
    holder, seller = DealerFactory(code="HOLD"), DealerFactory(code="SELL")
    territory = TerritoryFactory(
        dealer=holder,
        region=tree["CN-GD"],
        product_line=line,
        exclusive=True,
        starts_on=date(2026, 1, 1),
    )
    return tree, line, product, holder, seller, territory


def test_sale_into_exclusive_territory_opens_one_channel_ticket(setup):
    tree, _line, product, holder, seller, territory = setup
    sale = _sale(seller, product, tree["CN-GD-SZ"])
    assert services.channel_conflicts_open_for_sale_lines(sale_line_ids=[sale.pk]) == 1
    assert services.channel_conflicts_open_for_sale_lines(sale_line_ids=[sale.pk]) == 0
    conflict = ChannelConflict.objects.get()
    ticket = conflict.ticket
    assert (conflict.sale_line, conflict.territory) == (sale, territory)
    assert (ticket.category, ticket.dealer, ticket.counterparty) == ("channel", holder, seller)
    assert ticket.subject == sale
    assert ticket.region == tree["CN-GD-SZ"]
    for dealer in (holder, seller):
        assert (
            Ticket.objects.visible_to(DealerUserFactory(membership__dealer=dealer)).get() == ticket
        )


def test_no_conflict_for_own_territory_other_line_region_dates_or_returns(setup):
    tree, _line, product, holder, seller, _territory = setup
    other_line = Product.objects.create(
        sku="P-1", name="Pro", product_line=ProductLineFactory(code="PL-PRO")
    )
    lines = [
        _sale(holder, product, tree["CN-GD-SZ"], ext="own"),
        _sale(seller, other_line, tree["CN-GD-SZ"], ext="line"),
        _sale(seller, product, tree["CN-BJ"], ext="region"),
        _sale(seller, product, tree["CN-GD-SZ"], ext="early", when=sh(2025, 6, 1, 12)),
        _sale(seller, product, tree["CN-GD-SZ"], ext="return", qty="-1"),
    ]
    assert services.channel_conflicts_open_for_sale_lines(sale_line_ids=[s.pk for s in lines]) == 0
    assert not Ticket.objects.exists()


def test_non_exclusive_territory_is_no_conflict(setup):
    tree, _line, product, _holder, seller, territory = setup
    territory.exclusive = False
    territory.save()
    sale = _sale(seller, product, tree["CN-GD-GZ"])
    assert services.channel_conflicts_open_for_sale_lines(sale_line_ids=[sale.pk]) == 0


def test_dispute_links_a_visible_object(setup):
    tree, _line, product, holder, seller, _territory = setup
    sale = _sale(seller, product, tree["CN-BJ"])
    user = DealerUserFactory(membership__dealer=seller)
    ticket = services.ticket_open_dispute(actor=user, subject=sale, title="Wrong amount", body="…")
    assert (ticket.category, ticket.dealer, ticket.subject) == ("commission", seller, sale)
    assert ticket.group == "finance"
    outsider = DealerUserFactory(membership__dealer=holder)
    with pytest.raises(ObjectDoesNotExist):
        services.ticket_open_dispute(actor=outsider, subject=sale, title="x", body="")
    assert Ticket.objects.count() == 1


def test_sla_metrics_by_dealer(setup):
    _tree, _line, _product, holder, seller, _territory = setup
    staff = StaffUserFactory(is_superuser=True)
    start, end = sh(2026, 10, 1), sh(2027, 1, 1)
    # met: answered after 1 business h, resolved after 3
    t1 = make_ticket(holder, opened_at=sh(2026, 11, 23, 9))
    services.ticket_comment(
        actor=staff, ticket=t1, body="a", at=sh(2026, 11, 23, 10), now=sh(2026, 11, 23, 13)
    )
    services.ticket_transition(
        actor=staff, ticket=t1, status="resolved", at=sh(2026, 11, 23, 12), now=sh(2026, 11, 23, 13)
    )
    # breached: resolved after the due time (24 business h), answered after 3 h
    t2 = make_ticket(holder, opened_at=sh(2026, 11, 2, 9))
    services.ticket_comment(
        actor=staff, ticket=t2, body="a", at=sh(2026, 11, 2, 12), now=sh(2026, 11, 6, 13)
    )
    services.ticket_transition(
        actor=staff, ticket=t2, status="resolved", at=sh(2026, 11, 6, 9), now=sh(2026, 11, 6, 13)
    )
    # outside the quarter
    make_ticket(holder, opened_at=sh(2026, 9, 1, 9))
    metrics = selectors.sla_metrics_by_dealer(
        start=start, end=end, dealer_ids=[holder.pk, seller.pk]
    )
    assert metrics[seller.pk] == {
        "tickets_raised": 0,
        "resolved_within_target_share": None,
        "median_first_response_minutes": None,
        "median_resolution_minutes": None,
    }
    m = metrics[holder.pk]
    assert m["tickets_raised"] == 2
    assert m["resolved_within_target_share"] == Decimal("0.5000")
    assert m["median_first_response_minutes"] == Decimal("120.00")  # (60 + 180) / 2
    # t1: 180 SLA minutes; t2: Mon 9 h + Tue–Thu 27 h = 36 h = 2160 → median 1170
    assert m["median_resolution_minutes"] == Decimal("1170.00")
