"""factory-boy factories shared by every app's tests. Apps add their own in
``tests/<app>/factories.py`` and may import these."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from dealers.models import Agreement, Dealer, DealerMembership, ProductLine, Region, Territory, Tier
from portal.models import User
from portal.services import api_key_issue

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class StaffUserFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.LazyAttribute(lambda r: f"Region {r.code}")
    kind = Region.Kind.COUNTRY
    time_zone = "Asia/Shanghai"


def region_tree():
    """CN → CN-GD → CN-GD-SZ / CN-GD-GZ, and CN-BJ (get-or-create: cheap to call often)."""
    cn = RegionFactory(code="CN", name="China", kind="country", time_zone="Asia/Shanghai")
    gd = RegionFactory(code="CN-GD", name="Guangdong", kind="province", parent=cn, time_zone="")
    sz = RegionFactory(code="CN-GD-SZ", name="Shenzhen", kind="city", parent=gd, time_zone="")
    gz = RegionFactory(code="CN-GD-GZ", name="Guangzhou", kind="city", parent=gd, time_zone="")
    bj = RegionFactory(code="CN-BJ", name="Beijing", kind="province", parent=cn, time_zone="")
    return {"CN": cn, "CN-GD": gd, "CN-GD-SZ": sz, "CN-GD-GZ": gz, "CN-BJ": bj}


class ProductLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductLine
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PL{n}")
    name = factory.LazyAttribute(lambda p: f"Line {p.code}")


TIERS = [
    ("registered", "Registered", 0),
    ("junior", "Junior", 1),
    ("senior", "Senior", 2),
    ("expert", "Expert", 3),
]


def tier(code="registered") -> Tier:
    """The seeded tiers (get-or-create)."""
    for c, name, rank in TIERS:
        if c == code:
            obj, _ = Tier.objects.get_or_create(code=c, defaults={"name": name, "rank": rank})
            return obj
    raise KeyError(code)


class DealerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dealer
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.LazyAttribute(lambda d: f"Dealer {d.code}")
    tier = factory.LazyFunction(tier)
    region = factory.LazyFunction(lambda: region_tree()["CN-GD-SZ"])
    currency = "CNY"
    email = factory.LazyAttribute(lambda d: f"{d.code.lower()}@dealer.example.com")


class DealerUserFactory(UserFactory):
    membership = factory.RelatedFactory(
        "tests.factories.MembershipFactory", factory_related_name="user"
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DealerMembership

    user = factory.SubFactory(UserFactory)
    dealer = factory.SubFactory(DealerFactory)
    # Owners by default: they open every area of the portal (portal.access.DEALER_AREAS),
    # so a test about a page is not a test about roles unless it names one.
    role = DealerMembership.Role.OWNER


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    dealer = factory.SubFactory(DealerFactory)
    region = factory.LazyFunction(lambda: region_tree()["CN-GD"])
    product_line = factory.SubFactory(ProductLineFactory)
    starts_on = factory.Faker("date_between", start_date="-1y", end_date="-30d")
    exclusive = False


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    dealer = factory.SubFactory(DealerFactory)
    number = factory.Sequence(lambda n: f"AG-{n:05d}")
    status = Agreement.Status.ACTIVE
    starts_on = factory.Faker("date_between", start_date="-2y", end_date="-1y")
    quarterly_target = Decimal("800000.00")
    annual_target = Decimal("3000000.00")


class ApiKeyFactory:
    @staticmethod
    def issue(*, dealer=None, manufacturer=False, name="test key", rate=""):
        """Return (ApiKey, secret)."""
        return api_key_issue(name=name, dealer=dealer, manufacturer=manufacturer, rate=rate)
