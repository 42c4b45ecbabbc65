"""Demo data of the kernel: staff accounts, one per group (``ensure_user`` is shared with
the apps' demo modules)."""

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


def seed(stdout):
    logins = []
    for username, name, group, superuser in STAFF:
        user = ensure_user(username, name, staff=True, superuser=superuser)
        if group:
            user.groups.add(Group.objects.get(name=group))
        logins.append((username, DEMO_PASSWORD, f"staff ({group or 'superuser'})"))
    return logins
