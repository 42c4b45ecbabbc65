"""Portal pages of dealers: scoping, read-only states, members, query counts."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from dealers import services
from dealers.models import DealerMembership
from tests.dealers.factories import CertificationProgramFactory
from tests.dealers.test_lifecycle import complete_draft
from tests.factories import (
    PASSWORD,
    AgreementFactory,
    DealerFactory,
    DealerUserFactory,
    ProductLineFactory,
    StaffUserFactory,
    TerritoryFactory,
    region_tree,
    tier,
)

pytestmark = pytest.mark.django_db

PAGES = ["profile", "agreement", "territories", "members", "tier", "certifications"]


@pytest.fixture
def owner(dealer):
    return DealerUserFactory(username="owner", membership__dealer=dealer, membership__role="owner")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_for_the_dealer(owner_client, dealer, name):
    tier("junior")
    AgreementFactory(dealer=dealer, status="draft", number="AG-VIEW")
    response = owner_client.get(reverse(f"dealers:{name}"))
    assert response.status_code == 200
    assert dealer.name.encode() in response.content or name != "profile"


@pytest.mark.parametrize("name", PAGES)
def test_pages_need_login_and_a_dealer(client, name):
    response = client.get(reverse(f"dealers:{name}"))
    assert response.status_code == 302
    client.force_login(StaffUserFactory())
    assert client.get(reverse(f"dealers:{name}")).status_code == 404


def test_another_dealers_agreement_is_404(owner_client, other_dealer):
    theirs = AgreementFactory(dealer=other_dealer, number="AG-THEIRS")
    response = owner_client.get(reverse("dealers:agreement_print", args=[theirs.number]))
    assert response.status_code == 404


def test_printable_agreement_lists_territories(owner_client, dealer):
    agreement = AgreementFactory(dealer=dealer, number="AG-PRINT")
    TerritoryFactory(dealer=dealer, product_line=ProductLineFactory(code="PL-HOME"), exclusive=True)
    response = owner_client.get(reverse("dealers:agreement_print", args=[agreement.number]))
    assert response.status_code == 200
    assert b"AG-PRINT" in response.content
    assert b"CN-GD" in response.content


def test_territories_page_shows_only_own_and_is_query_bounded(
    owner_client, dealer, other_dealer, django_assert_max_num_queries
):
    tree = region_tree()
    for i in range(6):
        TerritoryFactory(
            dealer=dealer, region=tree["CN-GD-SZ"], product_line=ProductLineFactory(code=f"PL-{i}")
        )
    TerritoryFactory(
        dealer=other_dealer, region=tree["CN-BJ"], product_line=ProductLineFactory(code="PL-OTHER")
    )
    with django_assert_max_num_queries(12):
        response = owner_client.get(reverse("dealers:territories"))
    content = response.content.decode()
    assert content.count("Line PL-") == 6
    assert "PL-OTHER" not in content


def test_members_and_certifications_pages_are_query_bounded(
    owner_client, dealer, django_assert_max_num_queries
):
    program = CertificationProgramFactory(code="CERT-V", level=tier("junior"))
    for i in range(6):
        user = DealerUserFactory(membership__dealer=dealer, username=f"m{i}")
        services.certification_record(
            user=user, program=program, passed_on=datetime.date(2026, 1, 1)
        )
    with django_assert_max_num_queries(12):
        assert owner_client.get(reverse("dealers:members")).status_code == 200
    with django_assert_max_num_queries(12):
        response = owner_client.get(reverse("dealers:certifications"))
    assert response.content.decode().count(program.name) == 6


def test_owner_invites_and_removes_members(
    owner_client, dealer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("dealers:members"),
            {
                "email": "li.na@dealer.example.com",
                "first_name": "Li",
                "last_name": "Na",
                "role": "sales",
            },
        )
    assert response.status_code == 302
    membership = DealerMembership.objects.get(user__username="li.na@dealer.example.com")
    assert membership.dealer == dealer
    assert "/accounts/reset/" in mail.outbox[-1].body
    page = owner_client.get(reverse("dealers:members"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'data-confirm="确定移除此用户？"' in page.content.decode()  # asked by static/portal/site.js
    response = owner_client.post(reverse("dealers:member_remove", args=[membership.pk]))
    assert response.status_code == 302
    membership.user.refresh_from_db()
    assert not membership.user.is_active


def test_invitation_links_use_the_address_the_site_is_served_on(
    owner_client, dealer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("dealers:members"),
            {"email": "wang@dealer.example.com", "first_name": "Wang", "role": "sales"},
            HTTP_HOST="localhost:8765",
        )
    assert "http://localhost:8765/accounts/reset/" in mail.outbox[-1].body


def test_a_member_cannot_invite(client, dealer):
    member = DealerUserFactory(membership__dealer=dealer, membership__role="sales")
    client.force_login(member)
    response = client.post(reverse("dealers:members"), {"email": "x@example.com", "role": "sales"})
    assert response.status_code == 403  # the members area is the owner's
    assert not DealerMembership.objects.filter(user__username="x@example.com").exists()


def test_owner_cannot_remove_another_dealers_member(owner_client, other_dealer):
    theirs = DealerUserFactory(membership__dealer=other_dealer)
    response = owner_client.post(reverse("dealers:member_remove", args=[theirs.membership.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_suspended_dealer_sees_read_only_banner_and_cannot_invite(owner_client, dealer):
    services.dealer_suspend(dealer=dealer)
    response = owner_client.get(reverse("dealers:members"))
    assert b"read-only-banner" in response.content
    assert b"invite-form" not in response.content
    owner_client.post(reverse("dealers:members"), {"email": "x@example.com", "role": "sales"})
    assert not DealerMembership.objects.filter(user__username="x@example.com").exists()


def test_owner_signs_draft_agreement_in_the_portal(owner_client, dealer, owner):
    draft = complete_draft(dealer, AgreementFactory(dealer=dealer, status="draft", number="AG-SIGN"))
    response = owner_client.post(reverse("dealers:agreement_sign", args=[draft.number]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.signed_by == owner


def test_an_incomplete_agreement_says_what_is_missing_instead_of_signing(owner_client, dealer):
    draft = AgreementFactory(dealer=dealer, status="draft", number="AG-BARE")
    response = owner_client.post(reverse("dealers:agreement_sign", args=[draft.number]), follow=True)
    assert "commission plan" in response.content.decode()
    draft.refresh_from_db()
    assert draft.signed_at is None


def test_tier_page_shows_what_is_missing(owner_client, dealer):
    junior = tier("junior")
    junior.min_certified_users = 2
    junior.save()
    response = owner_client.get(reverse("dealers:tier"))
    assert b"2 missing" in response.content


def test_login_with_password_reaches_the_profile(client, owner, dealer):
    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("dealers:profile")).status_code == 200


def test_other_dealer_fixture_is_separate(dealer):
    assert DealerFactory().pk != dealer.pk


@pytest.mark.parametrize(
    "language,heading", [("zh-hans", "申请成为经销商"), ("zh-hant", "申請成為經銷商")]
)
def test_apply_form_is_translated(client, language, heading):
    response = client.get("/apply/", HTTP_ACCEPT_LANGUAGE=language)
    assert heading in response.content.decode()


def test_agreement_and_tier_pages_are_query_bounded(
    owner_client, dealer, django_assert_max_num_queries
):
    for i in range(6):
        AgreementFactory(dealer=dealer, status="ended", number=f"AG-OLD-{i}")
    for code in ("junior", "senior", "registered", "junior", "senior", "expert"):
        services.tier_set(dealer=dealer, tier=tier(code), reason=f"to {code}")
    with django_assert_max_num_queries(14):
        response = owner_client.get(reverse("dealers:agreement"))
    assert response.content.decode().count("AG-OLD-") >= 6
    with django_assert_max_num_queries(16):
        response = owner_client.get(reverse("dealers:tier"))
    assert response.content.decode().count("to senior") == 2


def test_staff_without_permission_cannot_download_documents(client, settings, tmp_path):
    from tests.dealers.factories import submit_application

    settings.MEDIA_ROOT = tmp_path
    doc = submit_application().documents.get()
    client.force_login(StaffUserFactory(username="nobody-special"))
    response = client.get(reverse("dealers:application_document", args=[doc.pk]))
    assert response.status_code == 404
