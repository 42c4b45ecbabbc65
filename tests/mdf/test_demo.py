"""The demo seed is idempotent: Guangzhou's requests in each state, a paid claim."""

from io import StringIO

import pytest

from commissions import demo as commissions_demo
from commissions.models import StatementComponent
from dealers import demo as dealers_demo
from mdf import demo
from mdf.models import FundRequest, Movement
from portal import demo as portal_demo

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent():
    for below in (portal_demo, dealers_demo, commissions_demo):
        below.seed(StringIO())
    demo.seed(StringIO())
    states = sorted(FundRequest.objects.values_list("status", flat=True))
    assert states == ["approved", "awaiting_executive", "paid", "submitted"]
    assert StatementComponent.objects.filter(kind="mdf").count() == 1
    movements = Movement.objects.count()
    demo.seed(StringIO())
    assert Movement.objects.count() == movements
    assert FundRequest.objects.count() == 4
