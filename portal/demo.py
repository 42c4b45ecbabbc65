"""Demo data of the portal: staff accounts (one per group), the demo dealers' owners, and
working together: announcements, a meeting with action items, a finalised review."""

from django.contrib.auth.models import Group

from portal.models import User

DEMO_PASSWORD = "demo-pass-2026"

STAFF = [
    ("admin", "Ada Admin", None, True),
    ("manager", "Wang Manager", "channel_manager", False),
    ("finance", "Li Finance", "finance", False),
    ("support", "Zhao Support", "support", False),
    ("legal", "Chen Legal", "legal", False),
    ("exec", "Sun Executive", "executive", False),
]


def ensure_user(username, full_name, *, staff=False, superuser=False, email=None):
    first, _, last = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": email or f"{username}@example.com",
            "is_staff": staff,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


# --- Working together: dealers (minimal, completed by dealers.demo), announcements, a
# meeting with action items, a finalised review, notifications ----------------------------

DEMO_REGIONS = [
    ("CN", "China", "中国", "country", None, "Asia/Shanghai"),
    ("CN-GD", "Guangdong", "广东", "province", "CN", ""),
    ("CN-GD-SZ", "Shenzhen", "深圳", "city", "CN-GD", ""),
    ("CN-GD-GZ", "Guangzhou", "广州", "city", "CN-GD", ""),
    ("CN-BJ", "Beijing", "北京", "province", "CN", ""),
    ("CN-SH", "Shanghai", "上海", "province", "CN", ""),
]
DEMO_TIERS = [
    ("registered", "Registered", 0),
    ("junior", "Junior", 1),
    ("senior", "Senior", 2),
    ("expert", "Expert", 3),
]
DEMO_DEALERS = [
    ("DEMO-GZ", "Guangzhou Pearl Trading", "CN-GD-GZ", "senior", "gz-owner", "Huang Owner"),
    ("DEMO-SZ", "Shenzhen Bay Systems", "CN-GD-SZ", "junior", "sz-owner", "Lin Owner"),
    ("DEMO-BJ", "Beijing North Tech", "CN-BJ", "registered", "bj-owner", "Zhang Owner"),
    ("DEMO-SH", "Shanghai Delta Solutions", "CN-SH", "expert", "sh-owner", "Xu Owner"),
]


def ensure_dealers():
    """The demo dealers, each with an owner log-in (get-or-create: dealers.demo completes
    them with agreements, territories and more)."""
    from dealers.models import Dealer, DealerMembership, Region, Tier

    regions = {}
    for code, name, name_zh, kind, parent, tz in DEMO_REGIONS:
        regions[code], _created = Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "kind": kind,
                "parent": regions.get(parent),
                "time_zone": tz,
            },
        )
    tiers = {}
    for code, name, rank in DEMO_TIERS:
        tiers[code], _created = Tier.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank}
        )
    dealers, owners = {}, {}
    for code, name, region, tier, username, full_name in DEMO_DEALERS:
        dealer, _created = Dealer.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "region": regions[region],
                "tier": tiers[tier],
                "email": f"{code.lower()}@dealer.example.com",
            },
        )
        owner = ensure_user(username, full_name)
        DealerMembership.objects.get_or_create(
            user=owner, defaults={"dealer": dealer, "role": DealerMembership.Role.OWNER}
        )
        dealers[code], owners[code] = dealer, owner
    return dealers, owners


def seed_working_together(stdout, *, dealers, owners):
    import datetime as dt
    from decimal import Decimal

    from dealers.models import Region, Tier
    from dealers.review_models import QuarterlyReview
    from dealers.review_services import review_assess, review_finalise
    from portal.models import Announcement, Meeting
    from portal.services import (
        action_item_create,
        announcement_publish,
        meeting_create,
    )

    manager = User.objects.get(username="manager")
    admin = User.objects.get(username="admin")
    announcements = [
        (
            "price_policy",
            "2027 price list",
            "List prices of PL-PRO rise by 3 % on 1 January 2027. Orders placed before "
            "31 December keep the 2026 prices.",
            {},
            "all",
        ),
        (
            "new_product",
            "New: Cloud Backup Appliance (beta)",
            "Expert dealers get early access to the PL-CLOUD beta from December.",
            {},
            "tiers",
        ),
        (
            "campaign",
            "Spring campaign 2027 (South China)",
            "Headquarters sets the discount range; each dealer sets its own prices inside it.",
            {
                "discount_min": Decimal("5.00"),
                "discount_max": Decimal("15.00"),
                "starts_on": dt.date(2027, 2, 1),
                "ends_on": dt.date(2027, 3, 31),
            },
            "regions",
        ),
    ]
    for kind, title, body, extra, audience in announcements:
        announcement, created = Announcement.objects.get_or_create(
            title=title,
            defaults={
                "kind": kind,
                "body": body,
                "audience": "all" if audience == "all" else "selected",
                "created_by": admin,
                **extra,
            },
        )
        if created:
            if audience == "tiers":
                announcement.tiers.add(Tier.objects.get(code="expert"))
            elif audience == "regions":
                announcement.regions.add(Region.objects.get(code="CN-GD"))
            announcement_publish(actor=admin, announcement=announcement)

    gz, gz_owner = dealers["DEMO-GZ"], owners["DEMO-GZ"]
    if not Meeting.objects.filter(dealer=gz, title="November sync").exists():
        meeting = meeting_create(
            actor=manager,
            dealer=gz,
            title="November sync",
            held_on=dt.date(2026, 11, 12),
            agenda="1. October sales\n2. Stock sync gaps\n3. Spring campaign",
            minutes="Sales ahead of target; two warehouses did not sync for a week.",
            decisions="Daily automatic stock sync from December.",
        )
        action_item_create(
            actor=manager,
            meeting=meeting,
            title="Switch the Baiyun warehouse to automatic sync",
            owner=gz_owner,
            due_on=dt.date(2026, 12, 1),
        )
        action_item_create(
            actor=manager,
            meeting=meeting,
            title="Send the spring campaign material",
            owner=manager,
            due_on=dt.date(2026, 12, 15),
        )

    if not QuarterlyReview.objects.filter(dealer=gz, quarter="2026Q3").exists():
        review = QuarterlyReview.objects.create(
            dealer=gz,
            quarter="2026Q3",
            net_sales=Decimal("760000.00"),
            previous_net_sales=Decimal("690000.00"),
            target=Decimal("800000.00"),
            attainment=Decimal("0.9500"),
            growth=Decimal("0.1014"),
            tickets_raised=3,
        )
        review_assess(
            actor=admin,
            review=review,
            satisfaction_score=4,
            communication_score=5,
            notes="Solid quarter; stock data freshness must improve.",
        )
        action_item_create(
            actor=admin,
            review=review,
            title="Certify two more engineers at senior level",
            owner=gz_owner,
            due_on=dt.date(2027, 1, 31),
        )
        review_finalise(actor=admin, review=review)


def seed(stdout):
    logins = []
    for username, name, group, superuser in STAFF:
        user = ensure_user(username, name, staff=True, superuser=superuser)
        if group:
            user.groups.add(Group.objects.get(name=group))
        logins.append((username, DEMO_PASSWORD, f"staff ({group or 'superuser'})"))
    dealers, owners = ensure_dealers()
    seed_working_together(stdout, dealers=dealers, owners=owners)
    for code, owner in owners.items():
        logins.append((owner.username, DEMO_PASSWORD, f"dealer owner ({code})"))
    return logins
