"""Dealer roles (owner, finance, sales, stock): the areas each opens, in pages, menus, the
API and who is told about what (portal.access.DEALER_AREAS, issue 12.5)."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from commissions import services as commission_services
from commissions.models import CommissionStatement
from dealers import selectors, services
from dealers.models import DealerMembership
from portal.access import DEALER_AREAS, DEALER_ROLES, Actor, actor_from
from tests.commissions.factories import give_plan, local, plan_p, sale
from tests.factories import DealerUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

#: a page of each area, for a dealer user
AREA_PAGES = {
    "company": "/dealer/",
    "members": "/dealer/members/",
    "integrations": "/webhooks/",
    "statements": "/statements/",
    "sales": "/sales/upload/",
    "stock": "/stock/",
    "tickets": "/tickets/",
    "mdf": "/mdf/",
}


def user_with(dealer, role):
    return DealerUserFactory(membership__dealer=dealer, membership__role=role)


def test_the_kernel_knows_the_models_roles():
    assert set(DEALER_ROLES) == set(DealerMembership.Role.values)
    for area, roles in DEALER_AREAS.items():
        assert "owner" in roles, area  # the owner opens everything
        assert roles <= set(DEALER_ROLES), area


def test_new_memberships_are_sales_and_old_members_become_sales(dealer):
    assert DealerMembership._meta.get_field("role").default == "sales"
    user = user_with(dealer, "owner")
    DealerMembership.objects.filter(user=user).update(role="member")  # as before 0010
    migration = importlib.import_module("dealers.migrations.0010_member_roles")
    migration.members_become_sales(apps, None)
    assert DealerMembership.objects.get(user=user).role == "sales"


@pytest.mark.parametrize("role", DEALER_ROLES)
def test_actor_may_open_exactly_its_roles_areas(dealer, role):
    actor = actor_from(user_with(dealer, role))
    assert actor.role == role
    assert actor.areas == {area for area, roles in DEALER_AREAS.items() if role in roles}
    staff = actor_from(StaffUserFactory())
    assert all(staff.may(area) for area in DEALER_AREAS)
    assert not Actor().may("company")


@pytest.mark.parametrize("role", DEALER_ROLES)
def test_pages_answer_403_outside_the_role_and_the_menu_hides_them(client, dealer, role):
    client.force_login(user_with(dealer, role))
    for area, path in AREA_PAGES.items():
        status = client.get(path).status_code
        assert status == (200 if role in DEALER_AREAS[area] else 403), (role, area, status)
    home = client.get("/").content.decode()  # the menu and the dashboard's links
    links = {h for h in re.findall(r'href="(/[^"#]*)"', home) if not h.startswith("/static/")}
    for href in links:
        assert client.get(href).status_code == 200, (role, href)


@pytest.mark.parametrize(
    ("role", "path", "allowed"),
    [
        ("finance", "/api/v1/commission-statements/", True),
        ("stock", "/api/v1/commission-statements/", False),
        ("stock", "/api/v1/inventory/levels/", True),
        ("finance", "/api/v1/inventory/levels/", False),
        ("sales", "/api/v1/webhook-endpoints/", False),
        ("sales", "/api/v1/tickets/", True),
        # the event stream carries every topic (statements, stock, deals…): integrations
        ("stock", "/api/v1/events/", False),
        ("owner", "/api/v1/events/", True),
    ],
)
def test_api_answers_403_area_not_allowed_outside_the_role(
    api_client, dealer, role, path, allowed
):
    api_client.force_authenticate(user_with(dealer, role))
    response = api_client.get(path)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert response.json()["errors"][0]["code"] == "area_not_allowed"


def test_a_dealer_key_opens_every_area(dealer_client):
    assert dealer_client.get("/api/v1/commission-statements/").status_code == 200
    assert dealer_client.get("/api/v1/inventory/levels/").status_code == 200


def test_recipients_are_the_users_whose_role_covers_the_area(dealer, other_dealer):
    users = {role: user_with(dealer, role) for role in DEALER_ROLES}
    user_with(other_dealer, "finance")
    gone = user_with(dealer, "finance")
    gone.is_active = False
    gone.save()
    for area, roles in DEALER_AREAS.items():
        expected = {users[r].pk for r in roles}
        assert set(selectors.dealer_recipients(dealer, area).values_list("pk", flat=True)) == (
            expected
        ), area
    assert list(selectors.dealer_recipients(None, "stock")) == []


def test_statement_notifications_go_to_owner_and_finance_only(
    dealer, django_capture_on_commit_callbacks
):
    users = {role: user_with(dealer, role) for role in DEALER_ROLES}
    give_plan(dealer, plan_p())
    sale(dealer, "1000.00", local(2026, 10, 5, 10, 0))
    commission_services.statements_build(period=dt.date(2026, 10, 1), dealer_ids=[dealer.pk])
    statement = CommissionStatement.objects.get(dealer=dealer)
    with django_capture_on_commit_callbacks(execute=True):
        commission_services.statement_approve(
            statement=statement, actor=StaffUserFactory(is_superuser=True)
        )
    told = {role for role, user in users.items() if user.notifications.exists()}
    assert told == {"owner", "finance"}


class TestRoleChanges:
    def test_owner_changes_a_users_role(self, dealer):
        owner = user_with(dealer, "owner")
        member = user_with(dealer, "sales")
        services.member_role_set(membership=member.membership, role="stock", changed_by=owner)
        member.membership.refresh_from_db()
        assert member.membership.role == "stock"
        assert member.membership.history.first().role == "stock"
        assert actor_from(member).may("stock")

    def test_refused_for_non_owners_own_role_unknown_roles_and_other_dealers(
        self, dealer, other_dealer
    ):
        owner = user_with(dealer, "owner")
        finance = user_with(dealer, "finance")
        theirs = user_with(other_dealer, "owner")
        cases = [
            (finance.membership, "owner", finance, "not_owner"),
            (owner.membership, "sales", owner, "own_role"),
            (finance.membership, "boss", owner, "invalid_choice"),
            (finance.membership, "stock", theirs, "not_owner"),
        ]
        for membership, role, by, code in cases:
            with pytest.raises(ValidationError) as exc:
                services.member_role_set(membership=membership, role=role, changed_by=by)
            codes = [e.code for errors in exc.value.error_dict.values() for e in errors] if (
                hasattr(exc.value, "error_dict")
            ) else [exc.value.code]
            assert code in codes, (role, codes)
        assert DealerMembership.objects.get(user=finance).role == "finance"
        assert DealerMembership.objects.get(user=owner).role == "owner"

    def test_owner_changes_a_role_in_the_portal(self, client, dealer, other_dealer):
        owner = user_with(dealer, "owner")
        member = user_with(dealer, "sales")
        theirs = user_with(other_dealer, "sales")
        client.force_login(owner)
        page = client.get(reverse("dealers:members")).content.decode()
        assert f'action="/dealer/members/{member.membership.pk}/role/"' in page
        response = client.post(
            reverse("dealers:member_role", args=[member.membership.pk]), {"role": "finance"}
        )
        assert response.status_code == 302
        assert DealerMembership.objects.get(user=member).role == "finance"
        response = client.post(
            reverse("dealers:member_role", args=[theirs.membership.pk]), {"role": "finance"}
        )
        assert response.status_code == 404
        assert DealerMembership.objects.get(user=theirs).role == "sales"
        client.force_login(member)
        response = client.post(
            reverse("dealers:member_role", args=[owner.membership.pk]), {"role": "sales"}
        )
        assert response.status_code == 403
