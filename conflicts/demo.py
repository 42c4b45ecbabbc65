"""Demo data for this app (called by `manage.py seed_demo`; must be idempotent).

Calendars and policies (the seeded defaults), and a handful of tickets in several states:
a fresh emergency, one waiting on the dealer, a resolved one, a contract ticket escalated
to legal, and a channel conflict opened from a sale shipped into an exclusive territory."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from commissions import rollup
from commissions.models import SaleLine
from conflicts import services
from conflicts.models import Ticket
from conflicts.seeding import seed_defaults
from conflicts.services import SYSTEM, channel_conflicts_open_for_sale_lines, ticket_open
from dealers.models import Dealer, DealerMembership, Product, ProductLine, Region, Territory, Tier
from portal.models import User

DEMO_PASSWORD = "demo-pass-2026"


def _region_tree():
    spec = [
        ("CN", "China", "中国", "country", None, "Asia/Shanghai"),
        ("CN-GD", "Guangdong", "广东", "province", "CN", ""),
        ("CN-GD-SZ", "Shenzhen", "深圳", "city", "CN-GD", ""),
        ("CN-GD-GZ", "Guangzhou", "广州", "city", "CN-GD", ""),
    ]
    regions = {}
    for code, name, name_zh, kind, parent, tz in spec:
        regions[code], _ = Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "kind": kind,
                "parent": regions.get(parent),
                "time_zone": tz,
            },
        )
    return regions


def _dealer(code, name, region):
    tier = Tier.objects.order_by("rank").first() or Tier.objects.create(
        code="registered", name="Registered", rank=0
    )
    dealer, _ = Dealer.objects.get_or_create(
        code=code, defaults={"name": name, "tier": tier, "region": region}
    )
    return dealer


def _dealer_user(username, full_name, dealer, logins):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": full_name.split()[0],
            "last_name": full_name.split()[-1],
            "email": f"{username}@dealer.example.com",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        DealerMembership.objects.get_or_create(
            user=user, defaults={"dealer": dealer, "role": DealerMembership.Role.OWNER}
        )
        logins.append((username, DEMO_PASSWORD, f"dealer {dealer.code} (tickets)"))
    return user


def _staff():
    return (
        User.objects.filter(username="support").first()
        or User.objects.filter(is_superuser=True).first()
    )


def _ticket(dealer, title, **kwargs):
    existing = Ticket.objects.filter(dealer=dealer, title=title).first()
    if existing:
        return existing, False
    return ticket_open(actor=SYSTEM, dealer=dealer, title=title, **kwargs), True


def _channel_conflict(gz, sz, regions, stdout):
    line, _ = ProductLine.objects.get_or_create(code="PL-HOME", defaults={"name": "Home"})
    product, _ = Product.objects.get_or_create(
        sku="DEMO-HOME-100", defaults={"name": "Home router 100", "product_line": line}
    )
    covered = Territory.objects.filter(
        exclusive=True,
        product_line=line,
        region__code__in=regions["CN-GD-SZ"].ancestors_and_self_codes(),
    ).exclude(dealer=gz)
    if not covered.exists():
        try:
            with transaction.atomic():
                Territory.objects.create(
                    dealer=sz,
                    region=regions["CN-GD-SZ"],
                    product_line=line,
                    starts_on=date(2026, 1, 1),
                    exclusive=True,
                )
        except Exception as exc:  # another app's rules may refuse it: skip the example
            stdout.write(f"conflicts demo: no exclusive territory for the example ({exc})")
            return
    sale, created = SaleLine.objects.get_or_create(
        dealer=gz,
        external_id="DEMO-CONFLICT-1",
        defaults={
            "product": product,
            "quantity": Decimal("2"),
            "amount": Decimal("1998.00"),
            "currency": "CNY",
            "sold_at": timezone.now() - timedelta(days=2),
            "ship_to_region": regions["CN-GD-SZ"],
        },
    )
    if created:  # written directly, not through the ingestion: add it to the sales rollup
        rollup.add_lines([sale])
    try:
        with transaction.atomic():
            channel_conflicts_open_for_sale_lines(sale_line_ids=[sale.pk])
    except IntegrityError:
        pass


def seed(stdout):
    """Create what is missing; return [(username, password, description)] of demo log-ins."""
    seed_defaults()
    logins = []
    regions = _region_tree()
    gz = _dealer("DEMO-GZ", "Guangzhou Demo Trading", regions["CN-GD-GZ"])
    sz = _dealer("DEMO-SZ", "Shenzhen Demo Systems", regions["CN-GD-SZ"])
    _dealer_user("gz-tickets", "Guo Tickets", gz, logins)
    _dealer_user("sz-tickets", "Su Tickets", sz, logins)
    staff = _staff()
    now = timezone.now()

    _ticket(
        gz,
        "Store network down after firmware update",
        category="quality",
        priority="emergency",
        description="Three stores lost connectivity after updating to 4.2.",
        opened_at=now - timedelta(minutes=10),
    )
    waiting, created = _ticket(
        sz,
        "Delivery of order 2026-118 is late",
        category="logistics",
        priority="normal",
        opened_at=now - timedelta(hours=5),
    )
    if created and staff is not None:
        services.ticket_comment(
            actor=staff,
            ticket=waiting,
            body="Could you send the delivery note number?",
            at=now - timedelta(hours=4),
        )
        services.ticket_transition(
            actor=staff,
            ticket=waiting,
            status="waiting_on_dealer",
            at=now - timedelta(hours=4),
        )
    resolved, created = _ticket(
        gz,
        "Campaign discount range for Q4",
        category="market_strategy",
        priority="low",
        opened_at=now - timedelta(days=3),
    )
    if created and staff is not None:
        services.ticket_comment(
            actor=staff,
            ticket=resolved,
            body="Campaign discounts may go up to 12 % in Q4.",
            at=now - timedelta(days=2, hours=20),
        )
        services.ticket_transition(
            actor=staff, ticket=resolved, status="resolved", at=now - timedelta(days=2, hours=19)
        )
    _ticket(
        sz,
        "Termination clause in the 2027 agreement",
        category="contract",
        priority="normal",
        description="We disagree with the 30-day transition period.",
        opened_at=now - timedelta(hours=50),
    )
    _channel_conflict(gz, sz, regions, stdout)
    outcome = services.ticket_escalate_due(now=now)
    if outcome.escalated:
        stdout.write(f"conflicts demo: {len(outcome.escalated)} ticket(s) escalated")
    return logins


def summary() -> list[tuple[str, int]]:
    """What the demo holds, counted in the database (``seed_demo`` prints it)."""
    return [
        ("tickets", Ticket.objects.count()),
        ("… open", Ticket.objects.exclude(status__in=["resolved", "closed"]).count()),
        ("… escalated", Ticket.objects.filter(escalation_level__gt=0).count()),
    ]
