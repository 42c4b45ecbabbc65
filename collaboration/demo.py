"""Demo data of working together: announcements, a meeting with action items (after
``dealers.demo``, which creates the demo dealers and their owners)."""

import datetime as dt
from decimal import Decimal

from collaboration.models import Announcement, Meeting
from collaboration.services import action_item_create, announcement_publish, meeting_create
from dealers.models import Dealer, DealerMembership, Region, Tier
from portal.models import User

DEMO_DEALERS = ["DEMO-GZ", "DEMO-SZ", "DEMO-BJ", "DEMO-SH"]


def demo_dealers():
    """The demo dealers by code, and each one's owner (from ``dealers.demo``)."""
    dealers, owners = {}, {}
    for dealer in Dealer.objects.filter(code__in=DEMO_DEALERS).prefetch_related(
        "memberships__user"
    ):
        dealers[dealer.code] = dealer
        owner = next(
            (m.user for m in dealer.memberships.all() if m.role == DealerMembership.Role.OWNER),
            None,
        )
        owners[dealer.code] = owner
    return dealers, owners


def seed(stdout):
    dealers, owners = demo_dealers()
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


def summary() -> list[tuple[str, int]]:
    """What the demo holds, counted in the database (``seed_demo`` prints it)."""
    return [("meetings", Meeting.objects.count()), ("announcements", Announcement.objects.count())]
