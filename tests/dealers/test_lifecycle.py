"""Dealer lifecycle (§3.3), agreements (§3.2) and members."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from dealers import selectors, services
from dealers.models import Agreement, Dealer, DealerMembership, Territory
from portal.clock import manufacturer_today
from portal.models import Notification
from tests.commissions.factories import plan_p
from tests.factories import (
    AgreementFactory,
    DealerFactory,
    DealerUserFactory,
    TerritoryFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def owner(dealer):
    return DealerUserFactory(username="owner", membership__dealer=dealer, membership__role="owner")


class TestStates:
    def test_suspend_and_reinstate(self, dealer, owner):
        services.dealer_suspend(dealer=dealer, reason="Unpaid invoices")
        dealer.refresh_from_db()
        assert dealer.status == "suspended"
        assert not selectors.dealer_can_write(dealer)
        note = Notification.objects.get(recipient=owner, kind="dealer_suspended")
        assert "Unpaid invoices" in note.body
        services.dealer_reinstate(dealer=dealer)
        dealer.refresh_from_db()
        assert dealer.status == "active"
        assert selectors.dealer_can_write(dealer)

    def test_invalid_transitions_are_refused_and_change_nothing(self, dealer):
        with pytest.raises(ValidationError) as exc:
            services.dealer_reinstate(dealer=dealer)
        assert exc.value.code == "invalid_transition"
        services.dealer_terminate(dealer=dealer)
        for call in (
            services.dealer_suspend,
            services.dealer_give_notice,
            services.dealer_terminate,
        ):
            with pytest.raises(ValidationError):
                call(dealer=dealer)
        dealer.refresh_from_db()
        assert dealer.status == "terminated"

    def test_give_notice_uses_the_active_agreements_periods(self, dealer):
        agreement = AgreementFactory(
            dealer=dealer, notice_period_days=60, transition_period_days=14
        )
        services.dealer_give_notice(dealer=dealer, given_on=D(2026, 11, 1))
        dealer.refresh_from_db()
        agreement.refresh_from_db()
        assert dealer.status == "terminating"
        assert dealer.notice_ends_on == D(2026, 12, 31)
        assert dealer.transition_ends_on == D(2027, 1, 14)
        assert agreement.status == "terminating"
        assert agreement.ends_on == D(2027, 1, 14)

    def test_terminating_dealer_writes_until_notice_ends_then_reads_only(self, dealer):
        today = manufacturer_today()  # the dealer's state follows the manufacturer's day
        AgreementFactory(dealer=dealer, notice_period_days=10)
        services.dealer_give_notice(dealer=dealer, given_on=today - datetime.timedelta(days=10))
        dealer.refresh_from_db()
        assert dealer.notice_ends_on == today
        assert selectors.dealer_can_write(dealer)
        Dealer.objects.filter(pk=dealer.pk).update(notice_ends_on=today - datetime.timedelta(1))
        dealer.refresh_from_db()
        assert not selectors.dealer_can_write(dealer)

    def test_suspending_a_terminating_dealer_and_reinstating_returns_to_terminating(self, dealer):
        services.dealer_give_notice(dealer=dealer, given_on=D(2026, 11, 1))
        services.dealer_suspend(dealer=dealer)
        services.dealer_reinstate(dealer=dealer)
        dealer.refresh_from_db()
        assert dealer.status == "terminating"

    def test_terminate_ends_agreements_and_territories_but_deletes_nothing(self, dealer):
        agreement = AgreementFactory(dealer=dealer)
        open_grant = TerritoryFactory(dealer=dealer, starts_on=D(2025, 1, 1), exclusive=True)
        services.dealer_terminate(dealer=dealer, on_date=D(2026, 11, 30))
        dealer.refresh_from_db()
        agreement.refresh_from_db()
        open_grant.refresh_from_db()
        assert dealer.status == "terminated"
        assert (agreement.status, agreement.ends_on) == ("ended", D(2026, 11, 30))
        assert open_grant.ends_on == D(2026, 11, 30)
        assert Territory.objects.filter(dealer=dealer).count() == 1
        # the freed territory can now be granted to somebody else
        services.territory_grant(
            dealer=DealerFactory(),
            region=open_grant.region,
            product_line=open_grant.product_line,
            starts_on=D(2026, 12, 1),
            exclusive=True,
        )

    def test_suspended_dealer_is_refused_by_the_api_permission(self, dealer):
        from rest_framework.test import APIRequestFactory

        from portal.api.permissions import DealerReadOnly, PortalPermission
        from tests.factories import ApiKeyFactory

        services.dealer_suspend(dealer=dealer)
        dealer.refresh_from_db()
        _key, secret = ApiKeyFactory.issue(dealer=dealer)

        class DealerWritableView:
            dealer_writable = True
            kwargs = {}

        request = APIRequestFactory().post("/x/", HTTP_AUTHORIZATION=f"Api-Key {secret}")
        from rest_framework.request import Request

        from portal.api.authentication import ApiKeyAuthentication

        drf_request = Request(request, authenticators=[ApiKeyAuthentication()])
        drf_request.user  # authenticate
        with pytest.raises(DealerReadOnly) as exc:
            PortalPermission().has_permission(drf_request, DealerWritableView())
        assert exc.value.default_code == "dealer_read_only"


class TestAgreements:
    def test_only_one_active_agreement(self, dealer):
        first = complete_draft(dealer, AgreementFactory(dealer=dealer, status="draft", number="AG-1"))
        second = complete_draft(dealer, AgreementFactory(dealer=dealer, status="draft", number="AG-2"))
        services.agreement_activate(agreement=first)
        with pytest.raises(ValidationError) as exc:
            services.agreement_activate(agreement=second)
        assert exc.value.code == "agreement_already_active"
        assert "AG-1" in exc.value.messages[0]
        second.refresh_from_db()
        assert second.status == "draft"
        services.agreement_terminate(agreement=first, on_date=D(2026, 12, 31))
        services.agreement_activate(agreement=second)
        assert list(Agreement.objects.filter(dealer=dealer, status="active")) == [second]

    def test_an_agreement_without_plan_targets_or_territory_cannot_be_activated(self, dealer):
        draft = AgreementFactory(
            dealer=dealer, status="draft", quarterly_target=0, annual_target=0
        )
        with pytest.raises(ValidationError) as exc:
            services.agreement_activate(agreement=draft)
        assert set(exc.value.error_dict) == {
            "commission_plan",
            "quarterly_target",
            "annual_target",
            "territory",
        }
        assert {e.code for errors in exc.value.error_dict.values() for e in errors} == {
            "agreement_incomplete"
        }
        draft.refresh_from_db()
        assert draft.status == "draft"
        services.agreement_activate(agreement=complete_draft(dealer, draft))
        draft.refresh_from_db()
        assert draft.status == "active"

    def test_owner_signs_a_draft(self, dealer, owner):
        draft = complete_draft(dealer)
        member = DealerUserFactory(membership__dealer=dealer, membership__role="sales")
        with pytest.raises(ValidationError) as exc:
            services.agreement_sign(agreement=draft, user=member)
        assert exc.value.code == "not_owner"
        services.agreement_sign(agreement=draft, user=owner)
        draft.refresh_from_db()
        assert draft.signed_by == owner and draft.signed_at is not None


    def test_an_agreement_without_targets_plan_or_territory_cannot_be_signed(
        self, dealer, owner
    ):
        draft = AgreementFactory(
            dealer=dealer, status="draft", quarterly_target=0, annual_target=0
        )
        with pytest.raises(ValidationError) as exc:
            services.agreement_sign(agreement=draft, user=owner)
        assert set(exc.value.error_dict) == {
            "commission_plan",
            "quarterly_target",
            "annual_target",
            "territory",
        }
        assert {e.code for errors in exc.value.error_dict.values() for e in errors} == {
            "agreement_incomplete"
        }
        draft.refresh_from_db()
        assert draft.signed_at is None
        complete_draft(dealer, agreement=draft)
        services.agreement_sign(agreement=draft, user=owner)
        assert Agreement.objects.get(pk=draft.pk).signed_by == owner


def complete_draft(dealer, agreement=None):
    """A draft with what signing needs: targets, a commission plan and a territory."""
    agreement = agreement or AgreementFactory(dealer=dealer, status="draft")
    Agreement.objects.filter(pk=agreement.pk).update(
        commission_plan=plan_p(),
        quarterly_target=Decimal("800000.00"),
        annual_target=Decimal("3000000.00"),
    )
    TerritoryFactory(dealer=dealer, starts_on=agreement.starts_on)
    agreement.refresh_from_db()
    return agreement


class TestMembers:
    def test_owner_invites_a_member_who_gets_a_set_password_link(
        self, dealer, owner, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            user = services.member_invite(
                dealer=dealer,
                invited_by=owner,
                email="New.Person@Dealer.example.com",
                first_name="New",
                last_name="Person",
            )
        assert user.username == "new.person@dealer.example.com"
        assert user.membership.dealer == dealer and user.membership.role == "sales"
        assert "/accounts/reset/" in mail.outbox[-1].body

    def test_members_and_other_dealers_cannot_invite(self, dealer, other_dealer):
        member = DealerUserFactory(membership__dealer=dealer, membership__role="finance")
        other_owner = DealerUserFactory(membership__dealer=other_dealer, membership__role="owner")
        for who in (member, other_owner):
            with pytest.raises(ValidationError):
                services.member_invite(dealer=dealer, invited_by=who, email="x@example.com")
        assert not DealerMembership.objects.filter(user__username="x@example.com").exists()

    def test_suspended_dealers_owner_cannot_invite(self, dealer, owner):
        services.dealer_suspend(dealer=dealer)
        dealer.refresh_from_db()
        with pytest.raises(ValidationError) as exc:
            services.member_invite(dealer=dealer, invited_by=owner, email="x@example.com")
        assert exc.value.code == "dealer_read_only"

    def test_owner_removes_a_member_but_not_itself(self, dealer, owner):
        member = DealerUserFactory(membership__dealer=dealer, membership__role="stock")
        services.member_remove(membership=member.membership, removed_by=owner)
        member.refresh_from_db()
        assert not member.is_active
        assert DealerMembership.objects.filter(user=member).exists()  # history stays
        with pytest.raises(ValidationError) as exc:
            services.member_remove(membership=owner.membership, removed_by=owner)
        assert exc.value.code == "cannot_remove_self"
