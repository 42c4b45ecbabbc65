import io

import pytest

from commissions import demo
from commissions.models import CommissionPlan, CommissionStatement, SaleLine, StatementComponent

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_covers_every_state():
    logins = demo.seed(io.StringIO())
    assert {u for u, _p, _d in logins} == {
        "demo-gz-owner",
        "demo-sz-owner",
        "demo-bj-owner",
        "demo-sh-owner",
    }
    counts = (
        SaleLine.objects.count(),
        CommissionStatement.objects.count(),
        StatementComponent.objects.count(),
    )
    assert set(CommissionPlan.objects.values_list("step_mode", flat=True)) == {"whole", "marginal"}
    assert CommissionPlan.objects.filter(code="DEMO-TIER", tier_bonuses__isnull=False).exists()
    assert set(CommissionStatement.objects.values_list("status", flat=True)) == {
        "draft",
        "approved",
        "paid",
    }
    assert StatementComponent.objects.filter(kind="late", dealer__code="DEMO-GZ").count() == 1
    assert SaleLine.objects.filter(amount__lt=0).exists()
    assert demo.seed(io.StringIO()) == []
    assert (
        SaleLine.objects.count(),
        CommissionStatement.objects.count(),
        StatementComponent.objects.count(),
    ) == counts
