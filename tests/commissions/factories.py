"""Factories of the commissions tests (plan P of DOMAIN.md §6.4 and friends)."""

import datetime as dt
from decimal import Decimal as D
from itertools import count
from zoneinfo import ZoneInfo

from commissions.models import CommissionPlan, PlanStep, PlanTierBonus, SaleLine
from dealers.models import Product
from tests.factories import AgreementFactory, ProductLineFactory, region_tree, tier

SHANGHAI = ZoneInfo("Asia/Shanghai")
_seq = count(1)


def plan_p(mode="whole", code=None) -> CommissionPlan:
    """Plan P: base 0.60; steps 100k → 2 %, 300k → 3.5 %, 500k → 5 %; senior 0.5 %, expert
    1 %; quarter bonus 10 %; annual bonus 3 months."""
    plan = CommissionPlan.objects.create(
        code=code or f"P-{mode}-{next(_seq)}",
        name=f"Plan P ({mode})",
        base_rate=D("0.60"),
        step_mode=mode,
        quarter_bonus_rate=D("0.10"),
        annual_bonus_months=D("3"),
    )
    for threshold, rate in (("100000", "0.02"), ("300000", "0.035"), ("500000", "0.05")):
        PlanStep.objects.create(plan=plan, threshold=D(threshold), rate=D(rate))
    PlanTierBonus.objects.create(plan=plan, tier=tier("senior"), rate=D("0.005"))
    PlanTierBonus.objects.create(plan=plan, tier=tier("expert"), rate=D("0.01"))
    return plan


def give_plan(dealer, plan, **kwargs):
    kwargs.setdefault("starts_on", dt.date(2025, 1, 1))
    return AgreementFactory(dealer=dealer, commission_plan=plan, **kwargs)


def product(sku="SKU-1") -> Product:
    line = ProductLineFactory(code="PL-HOME")
    obj, _ = Product.objects.get_or_create(sku=sku, defaults={"name": sku, "product_line": line})
    return obj


def sale(
    dealer, amount, sold_at, *, external_id=None, quantity=None, region="CN-GD-SZ", sku="SKU-1"
):
    amount = D(str(amount))
    if quantity is None:
        quantity = D("1") if amount >= 0 else D("-1")
    return SaleLine.objects.create(
        dealer=dealer,
        external_id=external_id or f"L{next(_seq)}",
        product=product(sku),
        quantity=quantity,
        amount=amount,
        currency=dealer.currency,
        sold_at=sold_at,
        ship_to_region=region_tree()[region],
    )


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def senior(dealer):
    dealer.tier = tier("senior")
    dealer.save()
    return dealer
