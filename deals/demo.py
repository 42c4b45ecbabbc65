"""Demo data for deal registration (called by `manage.py seed_demo`; idempotent): a conflict
between Guangzhou and Shenzhen over one customer (the ticket is opened by the conflicts
demo), a pair with similar names under review, a protected deal in Beijing (the commissions
demo sells on it) and an expired one in Shanghai."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from dealers.models import Dealer, ProductLine, Region
from deals import services
from deals.models import DealRegistration
from portal.access import Actor

DEMO_NOTE = "[demo]"
SYSTEM = Actor(manufacturer=True)

#: (dealer, customer, region, product line, e-mail, days ago, what becomes of it)
REGISTRATIONS = [
    ("DEMO-GZ", "深圳市星河科技有限公司", "CN-GD-SZ", "PL-CLOUD", "li@starriver.cn", 20, "open"),
    ("DEMO-SZ", "深圳市星河科技", "CN-GD-SZ", "PL-CLOUD", "", 18, "open"),  # → conflict
    ("DEMO-GZ", "广州市白云电器设备有限公司", "CN-GD-GZ", "PL-CLOUD", "", 12, "open"),
    ("DEMO-SZ", "广州市白云电器设备制造有限公司", "CN-GD-GZ", "PL-CLOUD", "", 10, "open"),  # review
    ("DEMO-BJ", "北京华信科技有限公司", "CN-BJ", "PL-PRO", "zhang@huaxin.com.cn", 30, "approved"),
    ("DEMO-SH", "上海东方传媒有限公司", "CN-SH", "PL-HOME", "", 130, "expired"),
]


def seed(stdout):
    if DealRegistration.objects.filter(notes=DEMO_NOTE).exists():
        stdout.write(f"deals: {DealRegistration.objects.count()} registrations (kept)")
        return []
    now = timezone.now()
    dealers = {d.code: d for d in Dealer.objects.filter(code__startswith="DEMO-")}
    for code, name, region, line, email, days_ago, fate in REGISTRATIONS:
        if code not in dealers:
            continue
        when = now - dt.timedelta(days=days_ago)
        registration = services.deal_registration_submit(
            actor=SYSTEM,
            dealer=dealers[code],
            customer_name=name,
            customer_region=Region.objects.get(code=region),
            customer_email=email,
            product_lines=[ProductLine.objects.get(code=line)],
            estimated_amount=Decimal("380000.00"),
            expected_close_on=(when + dt.timedelta(days=60)).date(),
            notes=DEMO_NOTE,
            now=when,
        )
        if fate in ("approved", "expired"):
            services.deal_registration_approve(
                actor=SYSTEM, registration=registration, now=when + dt.timedelta(hours=3)
            )
    services.deal_registrations_expire(now=now)
    counts = {
        status: DealRegistration.objects.filter(status=status).count()
        for status in DealRegistration.Status.values
    }
    stdout.write("deals: " + ", ".join(f"{n} {status}" for status, n in counts.items() if n))
    return []
