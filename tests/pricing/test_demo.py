"""The demo seed is idempotent: a guide change with a protection credit, an auto-approved
and a pending promotion, a breach ticket."""

from io import StringIO

import pytest

from commissions import demo as commissions_demo
from commissions.models import StatementComponent
from conflicts.seeding import seed_defaults
from dealers import demo as dealers_demo
from inventory import demo as inventory_demo
from pricing import demo
from pricing.models import PriceBreach, PriceGuide, PricingTicket, Promotion

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent():
    seed_defaults()
    for below in (dealers_demo, commissions_demo, inventory_demo):
        below.seed(StringIO())
    demo.seed(StringIO())

    def state():
        return (
            PriceGuide.objects.count(),
            sorted(Promotion.objects.values_list("status", flat=True)),
            PricingTicket.objects.count(),
            PriceBreach.objects.count(),
            list(
                StatementComponent.objects.filter(kind="price_protection").values_list(
                    "dealer__code", "amount"
                )
            ),
        )

    first = state()
    assert first[0] == 2 and first[1] == ["approved", "pending"]
    assert (first[2], first[3]) == (1, 1)
    assert "DEMO-GZ" in [code for code, _amount in first[4]]
    assert first[4][0][1] > 0
    demo.seed(StringIO())
    assert state() == first
