"""The Promotions page (DOMAIN.md §13): a dealer sees the campaign frameworks of its regions
with their materials, its own promotions and proposes one through the service; a channel
manager decides the pending ones of its regions. Tenants never see each other's."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conflicts.services import SYSTEM
from portal.clock import manufacturer_today
from pricing.models import Promotion
from pricing.services import campaign_material_add
from tests.factories import (
    DealerFactory,
    DealerUserFactory,
    ProductLineFactory,
    StaffUserFactory,
    TerritoryFactory,
    region_tree,
)
from tests.pricing.factories import campaign, product, promotion, territory

pytestmark = pytest.mark.django_db

PAGE = "/promotions/"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _days(n: int) -> dt.date:
    return manufacturer_today() + dt.timedelta(days=n)


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tree = region_tree()
    product("P-1")
    a = DealerFactory(code="PA", region=tree["CN-GD-SZ"])
    b = DealerFactory(code="PB", region=tree["CN-BJ"])
    territory(a, "CN-GD")
    territory(b, "CN-BJ")
    spring = campaign(code="SPRING", regions=("CN-GD",), starts_on=_days(-5), ends_on=_days(30))
    north = campaign(code="NORTH", regions=("CN-BJ",), starts_on=_days(-5), ends_on=_days(30))
    manager = StaffUserFactory(username="cm-gd", groups=["channel_manager"])
    tree["CN-GD"].channel_managers.add(manager)
    return {
        "tree": tree,
        "a": a,
        "b": b,
        "spring": spring,
        "north": north,
        "manager": manager,
        "owner": DealerUserFactory(membership__dealer=a, membership__role="owner"),
        "sales": DealerUserFactory(membership__dealer=a, membership__role="sales"),
    }


def _propose(client, world, **changes):
    body = {
        "campaign": world["spring"].pk,
        "discount": "15",
        "starts_on": str(_days(0)),
        "ends_on": str(_days(20)),
        "regions": [world["tree"]["CN-GD-SZ"].pk],
    }
    body.update(changes)
    return client.post(PAGE, {k: v for k, v in body.items() if v is not None})


def test_a_dealer_sees_the_campaigns_of_its_regions_and_only_its_own_promotions(client, world):
    mine = promotion(world["a"], world["spring"], "0.10", starts_on=_days(0), ends_on=_days(9))
    theirs = promotion(
        world["b"], world["north"], "0.10", regions=("CN-BJ",), starts_on=_days(0), ends_on=_days(9)
    )
    client.force_login(world["sales"])
    page = client.get(PAGE).content.decode()
    assert 'data-campaign="SPRING"' in page and 'data-campaign="NORTH"' not in page
    assert f'data-promotion="{mine.pk}"' in page
    assert f'data-promotion="{theirs.pk}"' not in page and "PB" not in page
    assert "5 % – 20 %" in page  # the campaign's allowed range
    assert "inside every range" in page  # mine was approved at once


def test_a_city_campaign_applies_to_a_dealer_holding_the_province(client, world):
    city = campaign(code="SZ-ONLY", regions=("CN-GD-SZ",), starts_on=_days(0), ends_on=_days(9))
    ended = campaign(code="OLD", regions=("CN-GD",), starts_on=_days(-30), ends_on=_days(-1))
    client.force_login(world["owner"])
    page = client.get(PAGE).content.decode()
    assert f'data-campaign="{city.code}"' in page
    assert f'data-campaign="{ended.code}"' not in page


def test_materials_download_through_the_scoped_view_and_a_foreign_one_is_404(client, world):
    own = campaign_material_add(
        actor=SYSTEM, campaign=world["spring"], upload=SimpleUploadedFile("海报.png", PNG)
    )
    foreign = campaign_material_add(
        actor=SYSTEM, campaign=world["north"], upload=SimpleUploadedFile("north.png", PNG)
    )
    client.force_login(world["sales"])
    page = client.get(PAGE).content.decode()
    link = reverse("pricing:material", args=[own.pk])
    assert link in page and "/media/" not in page and own.file.name not in page
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    assert client.get(reverse("pricing:material", args=[foreign.pk])).status_code == 404


def test_a_dealer_cannot_decide_and_a_foreign_promotion_is_404(client, world):
    theirs = promotion(
        world["b"], world["north"], "0.40", regions=("CN-BJ",), starts_on=_days(0), ends_on=_days(9)
    )
    mine = promotion(world["a"], world["spring"], "0.40", starts_on=_days(0), ends_on=_days(9))
    client.force_login(world["owner"])
    for pk in (theirs.pk, mine.pk):
        response = client.post(reverse("pricing:decide", args=[pk, "approve"]))
        assert response.status_code == 404
    assert set(Promotion.objects.values_list("status", flat=True)) == {"pending"}


def test_proposing_inside_every_range_is_approved_at_once(client, world):
    client.force_login(world["sales"])
    response = _propose(client, world)
    created = Promotion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#promotion-{created.pk}"
    assert (created.dealer, created.status, created.discount) == (world["a"], "approved", D("0.15"))
    assert created.created_by == f"user:{world['sales'].username}"
    page = client.get(PAGE).content.decode()
    assert "approved at once" in page and f'id="promotion-{created.pk}"' in page


def test_proposing_outside_a_range_waits_for_the_channel_manager(client, world):
    client.force_login(world["owner"])
    _propose(client, world, discount="30", ends_on=str(_days(45)))
    created = Promotion.objects.get()
    assert (created.status, created.outside) == ("pending", ["discount", "dates"])
    manager = world["manager"]
    assert manager.notifications.filter(kind="pricing.promotion_pending").exists()
    page = client.get(PAGE).content.decode()
    assert "outside the campaign's discount range, dates: waits for" in page


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"discount": None}, "discount"),
        ({"discount": "150"}, "discount"),
        ({"discount": "abc"}, "discount"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"ends_on": "yesterday-ish"}, "ends_on"),
        ({"campaign": "999999"}, "campaign"),
        ({"regions": None}, "regions"),
        ({"regions": ["999999"]}, "regions"),
        ({"ends_on": "2020-01-01"}, "ends_on"),  # the service: before the start
    ],
)
def test_bad_input_shows_the_field_error_and_creates_nothing(client, world, changes, field):
    client.force_login(world["owner"])
    response = _propose(client, world, **changes)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="error-{field}"' in page
    assert not Promotion.objects.exists()


def test_a_region_outside_the_territories_for_the_campaigns_products_is_a_field_error(
    client, world
):
    # a territory in Beijing for another product line: offered, but not for this campaign
    TerritoryFactory(
        dealer=world["a"],
        region=world["tree"]["CN-BJ"],
        product_line=ProductLineFactory(code="PL-OTHER"),
        starts_on=dt.date(2026, 1, 1),
    )
    client.force_login(world["owner"])
    response = _propose(client, world, regions=[world["tree"]["CN-BJ"].pk])
    page = response.content.decode()
    assert response.status_code == 200 and 'id="error-regions"' in page
    assert "CN-BJ is not inside your territories" in page
    assert not Promotion.objects.exists()


@pytest.mark.parametrize("role", ["finance", "stock"])
def test_a_member_without_the_pricing_area_gets_403_and_no_menu_link(client, world, role):
    user = DealerUserFactory(membership__dealer=world["a"], membership__role=role)
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    assert _propose(client, world).status_code == 403
    assert not Promotion.objects.exists()
    assert 'id="nav-promotions"' not in client.get("/").content.decode()
    client.force_login(world["sales"])
    assert 'id="nav-promotions"' in client.get("/").content.decode()


def test_a_read_only_dealer_sees_its_page_but_cannot_propose(client, world):
    type(world["a"]).objects.filter(pk=world["a"].pk).update(status="suspended")
    client.force_login(world["owner"])
    page = client.get(PAGE).content.decode()
    assert 'id="promotion-form"' not in page
    _propose(client, world)
    assert not Promotion.objects.exists()


@pytest.mark.parametrize("size", [2, 12])
def test_the_pages_use_a_constant_number_of_queries(
    client, world, size, django_assert_max_num_queries
):
    for n in range(size):
        extra = campaign(code=f"C{n}", regions=("CN-GD",), starts_on=_days(0), ends_on=_days(9))
        campaign_material_add(
            actor=SYSTEM, campaign=extra, upload=SimpleUploadedFile(f"m{n}.png", PNG)
        )
        promotion(world["a"], extra, "0.10", starts_on=_days(0), ends_on=_days(9))
        promotion(world["a"], extra, "0.50", starts_on=_days(0), ends_on=_days(9))
    client.force_login(world["owner"])
    with django_assert_max_num_queries(18):
        page = client.get(PAGE).content.decode()
    assert page.count("data-promotion=") == 2 * size
    client.force_login(world["manager"])
    with django_assert_max_num_queries(16):
        page = client.get(PAGE).content.decode()
    assert page.count('data-status="pending"') >= size


@pytest.mark.parametrize(
    "language,words",
    [("zh-hans", ["促销", "活动", "提议促销"]), ("zh-hant", ["促銷", "活動", "提議促銷"])],
)
def test_the_page_renders_translated(client, world, language, words):
    promotion(world["a"], world["spring"], "0.30", starts_on=_days(0), ends_on=_days(9))
    client.force_login(world["owner"])
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for word in words:
        assert word in page
    for english in ("Propose a promotion", "My promotions", "Discount range", "waits for"):
        assert english not in page


def test_the_channel_manager_decides_the_pending_promotions_of_its_regions(client, world):
    pending = promotion(world["a"], world["spring"], "0.30", starts_on=_days(0), ends_on=_days(9))
    elsewhere = promotion(
        world["b"], world["north"], "0.40", regions=("CN-BJ",), starts_on=_days(0), ends_on=_days(9)
    )
    client.force_login(world["manager"])
    home = client.get("/").content.decode()
    assert 'id="section-promotions"' in home
    assert f'data-promotion="{pending.pk}"' in home and f'data-promotion="{elsewhere.pk}"' not in home
    page = client.get(PAGE).content.decode()
    assert f'id="promotion-{pending.pk}"' in page and f'id="promotion-{elsewhere.pk}"' not in page

    # a rejection needs a reason: refused, nothing changes
    client.post(reverse("pricing:decide", args=[pending.pk, "reject"]), {"reason": " "})
    pending.refresh_from_db()
    assert pending.status == "pending"
    client.post(reverse("pricing:decide", args=[pending.pk, "reject"]), {"reason": "Too deep"})
    pending.refresh_from_db()
    assert (pending.status, pending.reason) == ("rejected", "Too deep")
    client.force_login(world["owner"])
    page = client.get(PAGE).content.decode()
    assert "Too deep" in page and 'data-status="rejected"' in page


def test_only_channel_managers_decide(client, world):
    pending = promotion(world["a"], world["spring"], "0.30", starts_on=_days(0), ends_on=_days(9))
    finance = StaffUserFactory(groups=["finance"])
    client.force_login(finance)
    page = client.get(PAGE).content.decode()
    assert f'id="promotion-{pending.pk}"' in page and 'name="approve"' not in page
    client.post(reverse("pricing:decide", args=[pending.pk, "approve"]))
    pending.refresh_from_db()
    assert pending.status == "pending"
    client.force_login(world["manager"])
    client.post(reverse("pricing:decide", args=[pending.pk, "approve"]))
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("approved", "user:cm-gd")


def test_the_preview_tells_whether_the_promotion_would_wait(client, world):
    client.force_login(world["owner"])
    url = reverse("pricing:preview")
    inside = {
        "campaign": world["spring"].pk,
        "discount": "15",
        "starts_on": str(_days(0)),
        "ends_on": str(_days(20)),
        "regions": [world["tree"]["CN-GD-SZ"].pk],
    }
    assert 'id="preview-inside"' in client.get(url, inside).content.decode()
    deeper = client.get(url, {**inside, "discount": "30"}).content.decode()
    assert 'id="preview-outside"' in deeper and "discount range" in deeper
    assert "preview-" not in client.get(url, {**inside, "discount": ""}).content.decode()
    foreign = client.get(url, {**inside, "campaign": world["north"].pk}).content.decode()
    assert "preview-" not in foreign  # another region's campaign is no choice
    assert not Promotion.objects.exists()
    client.force_login(world["manager"])
    assert client.get(url, inside).status_code == 404
