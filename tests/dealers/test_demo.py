import io

import pytest

from dealers import demo
from dealers.models import Application, Dealer, Region, Territory, Tier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_regions_and_tiers_are_seeded_by_the_migration():
    codes = set(Region.objects.values_list("code", flat=True))
    assert {
        "CN",
        "CN-GD",
        "CN-GD-SZ",
        "CN-GD-GZ",
        "CN-BJ",
        "CN-SH",
        "CN-HK",
        "CN-MO",
        "CN-TW",
    } <= codes
    assert Region.objects.filter(kind="province").count() == 34
    assert Region.objects.get(code="CN-HK").effective_time_zone == "Asia/Hong_Kong"
    assert Region.objects.get(code="CN-GD-SZ").effective_time_zone == "Asia/Shanghai"
    for region in Region.objects.select_related("parent"):
        region.full_clean()  # every code nests in its parent's
    assert list(Tier.objects.values_list("code", flat=True)) == [
        "registered",
        "junior",
        "senior",
        "expert",
    ]


def test_seed_is_idempotent():
    out = io.StringIO()
    logins = demo.seed(out)
    assert {u for u, _p, _d in logins} == {
        *("gz-owner", "sz-owner", "bj-owner", "sh-owner"),
        *("finance-gz", "sales-gz"),
    }
    counts = (Dealer.objects.count(), Territory.objects.count(), Application.objects.count())
    demo.seed(out)
    assert (
        Dealer.objects.count(),
        Territory.objects.count(),
        Application.objects.count(),
    ) == counts
    assert counts == (4, 8, 1)
    assert Territory.objects.filter(exclusive=True).count() == 3
    assert Region.objects.get(code="CN-GD").channel_managers.filter(username="manager").exists()
    gz = Dealer.objects.get(code="DEMO-GZ")
    assert gz.memberships.get(role="owner").user.check_password("demo-pass-2026")
