"""The deals demo is idempotent and shows a conflict (with its ticket), an under-review
pair, a protected deal that a sale names and an expired one."""

from io import StringIO

import pytest

from commissions import demo as commissions_demo
from commissions.models import SaleLine, StatementComponent
from conflicts import demo as conflicts_demo
from conflicts.models import DealConflict
from dealers import demo as dealers_demo
from deals import demo
from deals.models import DealRegistration

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_with_each_kind_of_registration():
    dealers_demo.seed(StringIO())
    demo.seed(StringIO())
    commissions_demo.seed(StringIO())
    conflicts_demo.seed(StringIO())
    statuses = sorted(DealRegistration.objects.values_list("status", flat=True))
    assert statuses == sorted(
        ["submitted", "conflict", "submitted", "under_review", "approved", "expired"]
    )
    conflict = DealConflict.objects.get()
    assert conflict.registration.dealer.code == "DEMO-SZ"
    assert conflict.earlier.dealer.code == "DEMO-GZ"
    deal = DealRegistration.objects.get(status="approved")
    assert SaleLine.objects.filter(deal=deal).count() == 1
    assert StatementComponent.objects.filter(kind="deal", dealer=deal.dealer).exists()

    demo.seed(StringIO())
    commissions_demo.seed(StringIO())
    conflicts_demo.seed(StringIO())
    assert DealRegistration.objects.count() == 6
    assert DealConflict.objects.count() == 1
    assert SaleLine.objects.filter(deal=deal).count() == 1
