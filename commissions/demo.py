"""Demo data for this app (called by `manage.py seed_demo`; must be idempotent).

Three plans (whole, marginal, with tier bonuses); six months of sales with returns for
DEMO-GZ / DEMO-SZ / DEMO-BJ / DEMO-SH; statements in every state (paid, approved, draft)
and a late line counted in the current month's draft. What other apps' demo code would
create (regions, tiers, dealers, products) is get-or-created minimally here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from commissions import services
from commissions.models import (
    CommissionPlan,
    CommissionStatement,
    PlanStep,
    PlanTierBonus,
    SaleLine,
)
from dealers.models import Agreement, Dealer, DealerMembership, Product, ProductLine, Region, Tier
from portal.access import Actor
from portal.models import User
from portal.periods import Month

DEMO_PASSWORD = "demo-pass-2026"

REGIONS = [
    ("CN", "China", "中国", "country", None),
    ("CN-GD", "Guangdong", "广东", "province", "CN"),
    ("CN-GD-SZ", "Shenzhen", "深圳", "city", "CN-GD"),
    ("CN-GD-GZ", "Guangzhou", "广州", "city", "CN-GD"),
    ("CN-BJ", "Beijing", "北京", "province", "CN"),
    ("CN-SH", "Shanghai", "上海", "province", "CN"),
]
TIERS = [
    ("registered", "Registered", 0),
    ("junior", "Junior", 1),
    ("senior", "Senior", 2),
    ("expert", "Expert", 3),
]
PRODUCTS = [
    ("PL-HOME", "HOME-ROUTER", "Home router", Decimal("899.00")),
    ("PL-PRO", "PRO-SWITCH", "Pro switch", Decimal("12800.00")),
    ("PL-CLOUD", "CLOUD-SEAT", "Cloud seat (year)", Decimal("3600.00")),
]
# code, name, region, tier, plan code, monthly volume (net sales before returns)
DEALERS = [
    ("DEMO-GZ", "广州华南网络科技有限公司", "CN-GD-GZ", "senior", "DEMO-WHOLE", Decimal("330000")),
    ("DEMO-SZ", "深圳鹏城智联有限公司", "CN-GD-SZ", "expert", "DEMO-TIER", Decimal("520000")),
    ("DEMO-BJ", "北京京北系统集成有限公司", "CN-BJ", "junior", "DEMO-MARGINAL", Decimal("180000")),
    ("DEMO-SH", "上海浦江数码有限公司", "CN-SH", "registered", "DEMO-MARGINAL", Decimal("95000")),
]
STEPS = [
    (Decimal("100000"), Decimal("0.02")),
    (Decimal("300000"), Decimal("0.035")),
    (Decimal("500000"), Decimal("0.05")),
]


def _plans():
    specs = [
        ("DEMO-WHOLE", "Standard (whole month)", "whole", {}),
        ("DEMO-MARGINAL", "Standard (marginal steps)", "marginal", {}),
        (
            "DEMO-TIER",
            "Partner plus (tier bonuses)",
            "whole",
            {"senior": Decimal("0.005"), "expert": Decimal("0.01")},
        ),
    ]
    plans = {}
    for code, name, mode, tier_rates in specs:
        plan, created = CommissionPlan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "base_rate": Decimal("0.60"),
                "step_mode": mode,
                "quarter_bonus_rate": Decimal("0.10"),
                "annual_bonus_months": Decimal("3"),
            },
        )
        if created:
            for threshold, rate in STEPS:
                PlanStep.objects.create(plan=plan, threshold=threshold, rate=rate)
            for tier_code, rate in tier_rates.items():
                PlanTierBonus.objects.create(
                    plan=plan, tier=Tier.objects.get(code=tier_code), rate=rate
                )
        plans[code] = plan
    return plans


def _reference_data():

    for code, name, name_zh, kind, parent in REGIONS:
        Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "kind": kind,
                "parent": Region.objects.get(code=parent) if parent else None,
                "time_zone": "Asia/Shanghai" if parent is None else "",
            },
        )
    for code, name, rank in TIERS:
        Tier.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})
    for line_code, sku, name, price in PRODUCTS:
        line, _ = ProductLine.objects.get_or_create(code=line_code, defaults={"name": line_code})
        Product.objects.get_or_create(
            sku=sku, defaults={"name": name, "product_line": line, "list_price": price}
        )


def _dealers(plans):
    dealers, logins = {}, []
    for code, name, region, tier_code, plan_code, _volume in DEALERS:
        dealer, _ = Dealer.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "region": Region.objects.get(code=region),
                "tier": Tier.objects.get(code=tier_code),
                "currency": "CNY",
                "email": f"{code.lower()}@dealer.example.com",
            },
        )
        dealers[code] = dealer
        if not Agreement.objects.filter(dealer=dealer, commission_plan__isnull=False).exists():
            Agreement.objects.get_or_create(
                number=f"AG-{code}-C",
                defaults={
                    "dealer": dealer,
                    "status": "active"
                    if not Agreement.objects.filter(dealer=dealer, status="active").exists()
                    else "ended",
                    "starts_on": dt.date(2025, 1, 1),
                    "commission_plan": plans[plan_code],
                    "quarterly_target": Decimal("800000.00"),
                    "annual_target": Decimal("3000000.00"),
                },
            )
        if not DealerMembership.objects.filter(dealer=dealer).exists():
            username = f"{code.lower()}-owner"
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": code, "email": f"{username}@example.com"}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if not DealerMembership.objects.filter(user=user).exists():
                DealerMembership.objects.create(user=user, dealer=dealer, role="owner")
                logins.append((username, DEMO_PASSWORD, f"dealer owner, {code} (statements)"))
    return dealers, logins


def _month_lines(code, volume, month: Month, now):
    """Four sales and, every other month, a return; all before ``now``."""
    start, _end = month.bounds()
    shares = [Decimal("0.4"), Decimal("0.3"), Decimal("0.2"), Decimal("0.1")]
    skus = ["HOME-ROUTER", "PRO-SWITCH", "CLOUD-SEAT", "HOME-ROUTER"]
    region = dict((c, r) for c, _n, r, *_rest in DEALERS)[code]
    label = str(month)
    bump = Decimal(1 + (month.month % 3)) / Decimal(10)  # months differ a little
    lines = []
    for i, (share, sku) in enumerate(zip(shares, skus, strict=True)):
        lines.append(
            {
                "dealer": code,
                "external_id": f"{code}-{label}-{i + 1}",
                "sku": sku,
                "quantity": "10",
                "amount": str((volume * (share + bump / 4)).quantize(Decimal("0.01"))),
                "currency": "CNY",
                "sold_at": (start + dt.timedelta(days=1 + 6 * i, hours=10)).isoformat(),
                "ship_to_region": region,
            }
        )
    if month.month % 2 == 0:
        lines.append(
            {
                "dealer": code,
                "external_id": f"{code}-{label}-R1",
                "sku": "HOME-ROUTER",
                "quantity": "-2",
                "amount": "-1798.00",
                "currency": "CNY",
                "sold_at": (start + dt.timedelta(days=26, hours=15)).isoformat(),
                "ship_to_region": region,
            }
        )
    # only what has happened by now (fixed times, so that re-seeding finds duplicates)
    return [line for line in lines if dt.datetime.fromisoformat(line["sold_at"]) < now]


def seed(stdout):
    """Create what is missing; return [(username, password, description)] of demo log-ins."""
    _reference_data()
    plans = _plans()
    dealers, logins = _dealers(plans)
    now = timezone.now()
    current = Month.current(now)
    months = [current - i for i in range(5, -1, -1)]
    system = Actor(manufacturer=True)
    lines = []
    for code, _n, _r, _t, _p, volume in DEALERS:
        for month in months:
            lines += _month_lines(code, volume, month, now)
    services.sale_lines_ingest(actor=system, lines=lines, source="demo")

    finance = User.objects.filter(groups__name="finance", is_active=True).first()
    if finance is None:
        finance, _ = User.objects.get_or_create(username="finance", defaults={"is_staff": True})
        finance.groups.add(Group.objects.get(name="finance"))
    dealer_ids = [d.pk for d in dealers.values()]
    for i, month in enumerate(months):
        services.statements_build(period=month, dealer_ids=dealer_ids, now=now)
        if month >= current.previous():
            continue  # last month and this month stay drafts
        for statement in CommissionStatement.objects.filter(
            period=month.first_day, dealer_id__in=dealer_ids
        ).order_by("pk"):
            if statement.status == "draft":
                statement = services.statement_approve(statement=statement, actor=finance)
            if i < 3 and statement.status == "approved":
                services.statement_mark_paid(
                    statement=statement,
                    actor=finance,
                    reference=f"BANK-{statement.period_label}-{statement.dealer.code}",
                )
    # A line for an approved month, reported now: "late" in this month's draft.
    approved_month = months[3]
    start, _end = approved_month.bounds()
    services.sale_lines_ingest(
        actor=system,
        lines=[
            {
                "dealer": "DEMO-GZ",
                "external_id": f"DEMO-GZ-{approved_month}-LATE",
                "sku": "PRO-SWITCH",
                "quantity": "1",
                "amount": "12800.00",
                "currency": "CNY",
                "sold_at": (start + dt.timedelta(days=20)).isoformat(),
                "ship_to_region": "CN-GD-GZ",
            }
        ],
        source="demo",
    )
    services.statements_build(period=current, dealer_ids=dealer_ids, now=timezone.now())
    stdout.write(f"commissions: {len(plans)} plans, statements for {len(months)} months\n")
    return logins


def summary() -> list[tuple[str, int]]:
    """What the demo holds, counted in the database (``seed_demo`` prints it)."""
    return [
        ("commission plans", CommissionPlan.objects.count()),
        ("sale lines", SaleLine.objects.count()),
        *(
            (f"statements, {status}", CommissionStatement.objects.filter(status=status).count())
            for status in CommissionStatement.Status.values
        ),
    ]
