"""Demo data for this app (called by `manage.py seed_demo`; must be idempotent)."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from dealers import services
from dealers.models import (
    Agreement,
    Application,
    Certification,
    CertificationProgram,
    Dealer,
    DealerMembership,
    ProductLine,
    Region,
    Territory,
    Tier,
)
from dealers.region_data import load_regions, load_tiers
from portal.demo import ensure_user
from portal.models import User

DEMO_PASSWORD = "demo-pass-2026"

PRODUCT_LINES = [
    ("PL-HOME", "Home networking", "家庭网络", "家用網路", False),
    ("PL-PRO", "Professional equipment", "专业设备", "專業設備", False),
    ("PL-CLOUD", "Cloud services", "云服务", "雲端服務", True),
]

# code, name, credit code, home region, tier, owner, owner name
DEALERS = [
    (
        "DEMO-GZ",
        "广州星辰贸易有限公司",
        "91440101MA59ABCD1D",
        "CN-GD-GZ",
        "senior",
        "gz-owner",
        "Chen Guang",
    ),
    (
        "DEMO-SZ",
        "深圳海岸科技有限公司",
        "91440300MA5FXYW12N",
        "CN-GD-SZ",
        "junior",
        "sz-owner",
        "Lin Hai",
    ),
    (
        "DEMO-BJ",
        "北京北辰数码有限公司",
        "91110105MA01QWER38",
        "CN-BJ",
        "expert",
        "bj-owner",
        "Wang Bei",
    ),
    (
        "DEMO-SH",
        "上海浦江网络有限公司",
        "91310115MA1HJKLM46",
        "CN-SH",
        "registered",
        "sh-owner",
        "Zhou Pu",
    ),
]

# dealer, region, product line, exclusive
TERRITORIES = [
    ("DEMO-GZ", "CN-GD-GZ", "PL-HOME", True),
    ("DEMO-GZ", "CN-GD", "PL-CLOUD", False),
    ("DEMO-SZ", "CN-GD-SZ", "PL-HOME", True),
    ("DEMO-SZ", "CN-GD", "PL-PRO", False),
    ("DEMO-BJ", "CN-BJ", "PL-PRO", True),
    ("DEMO-BJ", "CN-BJ", "PL-HOME", False),
    ("DEMO-SH", "CN-SH", "PL-HOME", False),
    ("DEMO-SH", "CN-SH", "PL-CLOUD", False),
]

PROGRAMS = [
    ("NET-ASSOC", "Network Associate", "junior", 24),
    ("NET-PRO", "Network Professional", "senior", 24),
    ("NET-EXPERT", "Network Expert", "expert", 36),
]

# dealer, number of certified members, programme
CERTIFIED = [("DEMO-GZ", 3, "NET-PRO"), ("DEMO-SZ", 1, "NET-ASSOC"), ("DEMO-BJ", 5, "NET-EXPERT")]

PENDING_APPLICATION_CODE = "91440604MA4WTEXT59"
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _user(username, full_name, email):
    first, _sep, last = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": email}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def seed(stdout):
    """Create what is missing; return [(username, password, description)] of demo log-ins."""
    load_regions(Region)
    load_tiers(Tier)
    regions = {r.code: r for r in Region.objects.all()}
    tiers = {t.code: t for t in Tier.objects.all()}
    lines = {}
    for code, name, name_zh_hans, name_zh_hant, beta in PRODUCT_LINES:
        lines[code], _created = ProductLine.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_zh_hans": name_zh_hans,
                "name_zh_hant": name_zh_hant,
                "beta": beta,
            },
        )

    manager = User.objects.filter(username="manager").first()
    if manager is None:
        manager = ensure_user("manager", "Wang Manager", staff=True)
        manager.groups.add(Group.objects.get(name="channel_manager"))
    regions["CN-GD"].channel_managers.add(manager)

    logins = []
    dealers = {}
    start = datetime.date(2026, 1, 1)
    for code, name, credit, region, tier_code, owner_name, person in DEALERS:
        dealer, _created = Dealer.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "credit_code": credit,
                "region": regions[region],
                "tier": tiers[tier_code],
                "contact_name": person,
                "email": f"{owner_name}@dealer.example.com",
                "phone": "+86 400 000 0000",
                "support_contact": manager if tier_code == "expert" else None,
            },
        )
        dealers[code] = dealer
        owner = _user(owner_name, person, f"{owner_name}@dealer.example.com")
        DealerMembership.objects.get_or_create(
            user=owner, defaults={"dealer": dealer, "role": DealerMembership.Role.OWNER}
        )
        logins.append((owner_name, DEMO_PASSWORD, f"dealer owner ({code}, {tier_code})"))
        Agreement.objects.get_or_create(
            number=f"AG-2026-{code}",
            defaults={
                "dealer": dealer,
                "status": Agreement.Status.ACTIVE,
                "starts_on": start,
                "quarterly_target": Decimal("800000.00"),
                "annual_target": Decimal("3000000.00"),
                "terms": "Standard dealer terms 2026.",
            },
        )

    # One user per other role at DEMO-GZ: each sees only what its role opens.
    for username, person, role in (
        ("finance-gz", "Fang Finance", DealerMembership.Role.FINANCE),
        ("sales-gz", "Song Sales", DealerMembership.Role.SALES),
    ):
        user = _user(username, person, f"{username}@dealer.example.com")
        DealerMembership.objects.get_or_create(
            user=user, defaults={"dealer": dealers["DEMO-GZ"], "role": role}
        )
        logins.append((username, DEMO_PASSWORD, f"dealer DEMO-GZ (role {role})"))

    for dealer_code, region, line, exclusive in TERRITORIES:
        exists = Territory.objects.filter(
            dealer=dealers[dealer_code], region=regions[region], product_line=lines[line]
        ).exists()
        if not exists:
            services.territory_grant(
                dealer=dealers[dealer_code],
                region=regions[region],
                product_line=lines[line],
                starts_on=start,
                exclusive=exclusive,
            )

    programs = {}
    for code, name, level, months in PROGRAMS:
        programs[code], _created = CertificationProgram.objects.get_or_create(
            code=code, defaults={"name": name, "level": tiers[level], "validity_months": months}
        )
    for dealer_code, count, program in CERTIFIED:
        dealer = dealers[dealer_code]
        for i in range(1, count + 1):
            username = f"{dealer_code.lower().removeprefix('demo-')}-engineer{i}"
            user = _user(username, f"Engineer {i}", f"{username}@dealer.example.com")
            DealerMembership.objects.get_or_create(user=user, defaults={"dealer": dealer})
            if not Certification.objects.filter(user=user, program=programs[program]).exists():
                services.certification_record(
                    user=user,
                    program=programs[program],
                    passed_on=datetime.date(2026, 3, 1),
                    score=Decimal("88.00"),
                )

    if not Application.objects.filter(credit_code=PENDING_APPLICATION_CODE).exists():
        services.application_submit(
            data={
                "company_name": "佛山日升电子有限公司",
                "credit_code": PENDING_APPLICATION_CODE,
                "contact_name": "Huang Sheng",
                "email": "huang.sheng@sunrise.example.com",
                "phone": "+86 757 8888 0000",
                "annual_revenue": Decimal("8500000.00"),
                "sales_team_size": 9,
                "warehouse_area": 600,
                "self_assessment": "Eight years distributing home networking in Foshan.",
            },
            regions=[regions["CN-GD-FS"]],
            product_lines=[lines["PL-HOME"]],
            documents=[
                ("business_licence", SimpleUploadedFile("licence.pdf", DEMO_PDF, "application/pdf"))
            ],
            language="zh-hans",
        )
    stdout.write("dealers: regions, tiers, 4 dealers, territories, certifications, 1 application")
    return logins


def summary() -> list[tuple[str, int]]:
    """What the demo holds, counted in the database (``seed_demo`` prints it)."""
    roles = dict(
        DealerMembership.objects.filter(user__is_active=True)
        .values_list("role")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        ("dealers", Dealer.objects.count()),
        *((f"dealer users, role {role}", roles.get(role, 0)) for role in DealerMembership.Role.values),
        ("territories", Territory.objects.count()),
        ("agreements", Agreement.objects.count()),
        ("certifications", Certification.objects.count()),
        ("applications", Application.objects.count()),
    ]
