"""Protection (DOMAIN.md §12): approval protects through the last day, the daily expiry runs
exactly once per registration and tells the dealer once, first to register wins."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from deals import services
from deals.models import DealRegistration
from portal.models import Event, JobRun, Notification
from tests.deals.factories import register
from tests.factories import DealerFactory, DealerUserFactory, StaffUserFactory, region_tree

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
S = DealRegistration.Status


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def approved():
    region_tree()
    dealer = DealerFactory(code="EXP")
    owner = DealerUserFactory(membership__dealer=dealer, membership__role="owner")
    registration = register(dealer, now=at(2026, 12, 2, 9, 0))
    staff = StaffUserFactory(is_superuser=True)
    registration = services.deal_registration_approve(
        actor=staff, registration=registration, now=at(2026, 12, 2, 10, 0)
    )
    return registration, owner


def test_approved_2026_12_02_is_protected_through_2027_03_02(approved):
    registration, _owner = approved
    assert registration.protected_until == dt.date(2027, 3, 2)
    assert registration.protected_on(dt.date(2027, 3, 2))
    assert not registration.protected_on(dt.date(2027, 3, 3))


def test_expiry_runs_twice_and_notifies_once(approved):
    registration, owner = approved
    out = StringIO()
    call_command("expire_deal_registrations", "--now", "2027-03-02T23:59:59+08:00", stdout=out)
    registration.refresh_from_db()
    assert registration.status == S.APPROVED  # still its last day
    call_command("expire_deal_registrations", "--now", "2027-03-03T00:00:00+08:00", stdout=out)
    call_command("expire_deal_registrations", "--now", "2027-03-04T00:20:00+08:00", stdout=out)
    registration.refresh_from_db()
    assert registration.status == S.EXPIRED
    notes = Notification.objects.filter(recipient=owner, kind="deal.status_changed")
    assert [n.title for n in notes if "expired" in n.title] == [
        f"Deal registration {registration.number} expired on 2 Mar 2027"
    ]
    expired_events = [
        e
        for e in Event.objects.filter(topic="deal.status_changed")
        if e.payload["status"] == "expired"
    ]
    assert len(expired_events) == 1
    runs = JobRun.objects.filter(job="expire_deal_registrations").order_by("pk")
    assert [r.counts.get("expired", 0) for r in runs] == [0, 1, 0]
    assert all(r.status == JobRun.Status.SUCCEEDED for r in runs)
    assert "1 deal registration(s) expired" in out.getvalue()


def test_dry_run_changes_nothing(approved):
    registration, _owner = approved
    out = StringIO()
    call_command(
        "expire_deal_registrations", "--now", "2027-04-01T00:00:00+08:00", "--dry-run", stdout=out
    )
    registration.refresh_from_db()
    assert registration.status == S.APPROVED
    assert "1 deal registration(s) would expire" in out.getvalue()
    assert not Notification.objects.filter(kind="deal.status_changed", title__contains="expired")


def test_an_extension_moves_the_expiry(approved):
    registration, owner = approved
    services.deal_registration_request_extension(
        actor=owner, registration=registration, reason="tender", now=at(2027, 2, 20, 9, 0)
    )
    services.deal_registration_decide_extension(
        actor=StaffUserFactory(is_superuser=True), registration=registration
    )
    registration.refresh_from_db()
    assert registration.protected_until == dt.date(2027, 4, 1)
    services.deal_registrations_expire(now=at(2027, 3, 10, 1, 0))
    registration.refresh_from_db()
    assert registration.status == S.APPROVED


def test_an_extension_is_asked_before_the_protection_ends(approved):
    registration, owner = approved
    with pytest.raises(ValidationError) as late:
        services.deal_registration_request_extension(
            actor=owner, registration=registration, now=at(2027, 3, 3, 9, 0)
        )
    assert late.value.error_dict["extension"][0].code == "protection_ended"


def test_first_to_register_wins_while_protected(approved):
    _registration, _owner = approved
    rival = DealerFactory(code="RIVAL")
    staff = StaffUserFactory(is_superuser=True)
    # a later registration of the same customer is a conflict; staff cannot approve it too
    later = register(rival, "深圳市星河科技", now=at(2026, 12, 5, 9, 0))
    assert later.status == S.CONFLICT
    with pytest.raises(ValidationError) as refused:
        services.deal_registration_approve(actor=staff, registration=later, now=at(2026, 12, 6))
    assert refused.value.error_dict["status"][0].code == "customer_protected"
    services.deal_registration_reject(actor=staff, registration=later, reason="A was first")
    later.refresh_from_db()
    assert (later.status, later.rejection_reason) == (S.REJECTED, "A was first")


def test_only_the_dealer_or_staff_close_a_deal(approved):
    registration, owner = approved
    stranger = DealerUserFactory(membership__dealer=DealerFactory(code="OTHER"))
    with pytest.raises(DealRegistration.DoesNotExist):
        services.deal_registration_mark_won(actor=stranger, registration=registration)
    with pytest.raises(PermissionDenied):
        services.deal_registration_approve(actor=owner, registration=registration)
    services.deal_registration_mark_lost(actor=owner, registration=registration)
    registration.refresh_from_db()
    assert registration.status == S.LOST and registration.closed_at is not None
