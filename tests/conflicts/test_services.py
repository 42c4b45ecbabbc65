"""Tickets, the clock and its explanations (DOMAIN.md §7.1–7.3) through the services."""

from datetime import UTC, date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conflicts import selectors, services
from conflicts.models import (
    BusinessCalendar,
    CalendarHoliday,
    EscalationStep,
    PauseInterval,
    RegionCalendar,
    SlaPolicy,
    Ticket,
    TicketAttachment,
    TicketComment,
    TicketEvent,
)
from conflicts.seeding import seed_defaults
from tests.conflicts.factories import defaults, make_ticket, sh
from tests.factories import (
    DealerFactory,
    DealerUserFactory,
    RegionFactory,
    StaffUserFactory,
    region_tree,
    tier,
)

pytestmark = pytest.mark.django_db

S = Ticket.Status


@pytest.fixture
def staff():
    return StaffUserFactory(is_superuser=True)


def test_seeded_china_calendar_matches_the_2026_notice():
    calendar = defaults()
    holidays = set(calendar.holidays.values_list("day", flat=True))
    makeups = set(calendar.makeup_days.values_list("day", flat=True))
    assert {date(2026, 1, 1), date(2026, 1, 2), date(2026, 2, 16), date(2026, 2, 23)} <= holidays
    assert {date(2026, 10, d) for d in (1, 2, 5, 6, 7)} <= holidays
    assert {date(2026, 5, d) for d in (1, 4, 5)} <= holidays
    assert {date(2026, 6, 19), date(2026, 9, 25), date(2026, 4, 6)} <= holidays
    assert {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    } == {d for d in makeups if d.year == 2026}
    assert any(d.year == 2027 for d in holidays)
    assert calendar.time_zone == "Asia/Shanghai" and calendar.is_default
    assert sorted(calendar.intervals.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4]


def test_seeded_policies():
    seed_defaults()
    emergency = selectors.policy_for(category="quality", priority="emergency")
    assert (emergency.first_response_minutes, emergency.resolution_minutes) == (30, 240)
    assert emergency.calendar_kind == "24x7"
    contract = selectors.policy_for(category="contract", priority="normal")
    assert (contract.resolution_minutes, contract.calendar_kind) == (2880, "24x7")
    assert [(s.trigger, s.level, s.group) for s in contract.steps.all()] == [
        ("elapsed:2880", 2, "legal")
    ]
    other = selectors.policy_for(category="product", priority="low")
    assert (other.first_response_minutes, other.resolution_minutes) == (480, 1440)
    assert [(s.trigger, s.level) for s in other.steps.all()] == [
        ("resolution_percent:80", 1),
        ("resolution_breach", 2),
    ]


def test_domain_example_business_hours_on_the_ticket():
    ticket = make_ticket(opened_at=sh(2026, 11, 20, 17))
    assert ticket.first_response_due == sh(2026, 11, 23, 16)
    # 24 business hours: 1 h Fri, 9 Mon, 9 Tue, 5 Wed → Wednesday 14:00
    assert ticket.resolution_due == sh(2026, 11, 25, 14)
    assert ticket.calendar.code == "CN-MAINLAND"


def test_domain_example_emergency_with_waiting(staff):
    ticket = make_ticket(priority="emergency", opened_at=sh(2026, 11, 23, 10))
    assert ticket.resolution_due == sh(2026, 11, 23, 14)
    now = sh(2026, 11, 23, 13)
    services.ticket_comment(
        actor=staff, ticket=ticket, body="On it", at=sh(2026, 11, 23, 10, 10), now=now
    )
    services.ticket_transition(
        actor=staff, ticket=ticket, status=S.WAITING_ON_DEALER, at=sh(2026, 11, 23, 11), now=now
    )
    ticket.refresh_from_db()
    assert ticket.resolution_due is None
    assert ticket.sla_state_at(now) == Ticket.SlaState.PAUSED
    services.ticket_transition(
        actor=staff, ticket=ticket, status=S.IN_PROGRESS, at=sh(2026, 11, 23, 12, 30), now=now
    )
    ticket.refresh_from_db()
    assert ticket.resolution_due == sh(2026, 11, 23, 15, 30)
    explanation = selectors.ticket_sla_explanation(ticket, now=now)["resolution"]
    assert explanation["paused_minutes"] == 90
    assert explanation["unit"] == "calendar"


def test_holiday_on_the_region_calendar_is_skipped():
    # Wednesday 2026-09-30 17:00 before National Day: first response Thursday Oct 8 16:00
    ticket = make_ticket(opened_at=sh(2026, 9, 30, 17))
    assert ticket.first_response_due == sh(2026, 10, 8, 16)
    explanation = selectors.ticket_sla_explanation(ticket, now=sh(2026, 10, 9))
    skipped = explanation["first_response"]["closed_days_skipped"]
    assert skipped == [f"2026-10-0{d}" for d in range(1, 8)]


def test_makeup_saturday_is_a_working_day():
    # Friday 2026-10-09 17:00: Saturday Oct 10 is a make-up working day
    ticket = make_ticket(opened_at=sh(2026, 10, 9, 17))
    assert ticket.first_response_due == sh(2026, 10, 10, 16)


def test_region_calendar_is_inherited_down_the_tree():
    tree = region_tree()
    berlin = BusinessCalendar.objects.create(code="DE", name="Germany", time_zone="Europe/Berlin")
    for weekday in range(5):
        berlin.intervals.create(weekday=weekday, start="09:00", end="17:00")
    RegionCalendar.objects.create(region=tree["CN-GD"], calendar=berlin)
    assert selectors.calendar_for_region(tree["CN-GD-SZ"]) == berlin
    assert selectors.calendar_for_region(tree["CN-BJ"]).code == "CN-MAINLAND"


def test_foreign_region_in_a_dst_zone():
    de = RegionFactory(code="DE", name="Germany", kind="country", time_zone="Europe/Berlin")
    berlin = BusinessCalendar.objects.create(code="DE", name="Germany", time_zone="Europe/Berlin")
    for weekday in range(5):
        berlin.intervals.create(weekday=weekday, start="09:00", end="17:00")
    RegionCalendar.objects.create(region=de, calendar=berlin)
    dealer = DealerFactory(region=de)
    from zoneinfo import ZoneInfo

    opened = timezone.datetime(2025, 3, 28, 16, tzinfo=ZoneInfo("Europe/Berlin"))
    ticket = make_ticket(dealer, opened_at=opened, now=opened)
    # 8 business hours from Friday 16:00 CET: 1 h Friday + 7 h Monday (CEST) → Mon 16:00 CEST
    assert ticket.first_response_due == timezone.datetime(2025, 3, 31, 14, tzinfo=UTC)


def test_expert_tier_boost_is_capped_at_high():
    expert = DealerFactory(tier=tier("expert"))
    assert make_ticket(expert, priority="low").priority == "normal"
    assert make_ticket(expert, priority="normal").priority == "high"
    assert make_ticket(expert, priority="high").priority == "high"
    assert make_ticket(expert, priority="emergency").priority == "emergency"
    assert make_ticket(DealerFactory(), priority="normal").priority == "normal"


def test_first_public_staff_comment_is_the_first_response(staff):
    ticket = make_ticket(opened_at=sh(2026, 11, 20, 17))
    now = sh(2026, 11, 23, 12)
    services.ticket_comment(
        actor=staff,
        ticket=ticket,
        body="internal",
        internal=True,
        at=sh(2026, 11, 23, 9, 30),
        now=now,
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    services.ticket_comment(
        actor=staff, ticket=ticket, body="Hello", at=sh(2026, 11, 23, 10), now=now
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at == sh(2026, 11, 23, 10)
    assert ticket.first_response_sla_minutes == 120  # 1 h Friday + 1 h Monday
    assert ticket.status == S.IN_PROGRESS
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == ["opened", "note", "commented", "first_response", "status"]


def test_dealer_cannot_write_internal_notes_or_record_past_times(dealer):
    user = DealerUserFactory(membership__dealer=dealer)
    ticket = make_ticket(dealer)
    with pytest.raises(ValidationError) as err:
        services.ticket_comment(actor=user, ticket=ticket, body="x", internal=True)
    assert err.value.error_dict["internal"][0].code == "not_allowed"
    with pytest.raises(ValidationError) as err:
        services.ticket_comment(actor=user, ticket=ticket, body="x", at=timezone.now())
    assert err.value.error_dict["at"][0].code == "not_allowed"
    with pytest.raises(ValidationError):
        services.ticket_open(
            actor=user,
            dealer=dealer,
            category="product",
            priority="low",
            title="x",
            opened_at=timezone.now() - timedelta(hours=1),
        )
    assert TicketComment.objects.count() == 0
    assert Ticket.objects.count() == 1


def test_at_is_bounded_by_last_event_and_now(staff):
    ticket = make_ticket(opened_at=timezone.now() - timedelta(hours=2))
    with pytest.raises(ValidationError) as err:
        services.ticket_transition(
            actor=staff, ticket=ticket, status=S.IN_PROGRESS, at=timezone.now() - timedelta(hours=3)
        )
    assert err.value.error_dict["at"][0].code == "before_last_event"
    with pytest.raises(ValidationError) as err:
        services.ticket_transition(
            actor=staff, ticket=ticket, status=S.IN_PROGRESS, at=timezone.now() + timedelta(hours=1)
        )
    assert err.value.error_dict["at"][0].code == "in_future"
    ticket.refresh_from_db()
    assert ticket.status == S.OPEN


def test_invalid_transition_is_refused_and_changes_nothing(staff):
    ticket = make_ticket()
    with pytest.raises(ValidationError) as err:
        services.ticket_transition(actor=staff, ticket=ticket, status=S.CLOSED)
    assert err.value.error_dict["status"][0].code == "invalid_transition"
    ticket.refresh_from_db()
    assert ticket.status == S.OPEN
    assert ticket.events.count() == 1


def test_resolve_then_reopen_resumes_with_time_used(staff):
    ticket = make_ticket(opened_at=sh(2026, 11, 23, 9))
    assert ticket.resolution_due == sh(2026, 11, 25, 15)  # 9 h Mon, 9 h Tue, 6 h Wed
    now = sh(2026, 11, 26, 9, 30)
    services.ticket_transition(
        actor=staff, ticket=ticket, status=S.IN_PROGRESS, at=sh(2026, 11, 23, 9, 5), now=now
    )
    services.ticket_transition(
        actor=staff, ticket=ticket, status=S.RESOLVED, at=sh(2026, 11, 23, 12), now=now
    )
    ticket.refresh_from_db()
    assert ticket.resolved_within_target is True
    assert ticket.resolution_sla_minutes == 180
    assert ticket.sla_state_at(now) == Ticket.SlaState.MET
    assert ticket.next_escalation_at is None
    # the dealer reopens on Thursday 09:00 → 21 h left → Mon 30th 12:00 (weekend skipped)
    user = DealerUserFactory(membership__dealer=ticket.dealer)
    services.ticket_transition(
        actor=user, ticket=ticket, status=S.IN_PROGRESS, now=sh(2026, 11, 26, 9)
    )
    ticket.refresh_from_db()
    assert ticket.status == S.IN_PROGRESS
    assert ticket.resolution_due == sh(2026, 11, 30, 12)
    assert list(ticket.pauses.values_list("reason", "ended_at")) == [
        (PauseInterval.Reason.RESOLVED, sh(2026, 11, 26, 9))
    ]


def test_dealer_may_only_reopen_or_close(dealer):
    user = DealerUserFactory(membership__dealer=dealer)
    ticket = make_ticket(dealer)
    with pytest.raises(ValidationError) as err:
        services.ticket_transition(actor=user, ticket=ticket, status=S.IN_PROGRESS)
    assert err.value.error_dict["status"][0].code == "not_allowed"


def test_dealer_reply_while_waiting_resumes_the_clock(staff, dealer):
    user = DealerUserFactory(membership__dealer=dealer)
    ticket = make_ticket(dealer, opened_at=timezone.now() - timedelta(hours=1))
    services.ticket_transition(actor=staff, ticket=ticket, status=S.IN_PROGRESS)
    services.ticket_transition(actor=staff, ticket=ticket, status=S.WAITING_ON_DEALER)
    services.ticket_comment(actor=user, ticket=ticket, body="Here are the documents")
    ticket.refresh_from_db()
    assert ticket.status == S.IN_PROGRESS
    assert ticket.pauses.get().ended_at is not None


def test_policy_change_does_not_affect_open_tickets():
    ticket = make_ticket(opened_at=sh(2026, 11, 20, 17))
    policy = SlaPolicy.objects.get(category="", priority="normal")
    policy.first_response_minutes = 60
    policy.save()
    EscalationStep.objects.filter(policy=policy).delete()
    ticket.refresh_from_db()
    services.ticket_recompute_sla(ticket)
    assert ticket.first_response_due == sh(2026, 11, 23, 16)
    assert len(ticket.policy_snapshot["steps"]) == 2
    newer = make_ticket(opened_at=sh(2026, 11, 20, 17))
    assert newer.first_response_due == sh(2026, 11, 20, 18)


def test_priority_change_recomputes_from_opening_minus_pauses(staff):
    ticket = make_ticket(opened_at=sh(2026, 11, 23, 9))
    now = sh(2026, 11, 23, 10)
    services.ticket_change_priority(actor=staff, ticket=ticket, priority="emergency", now=now)
    ticket.refresh_from_db()
    assert ticket.calendar is None  # 24x7 now
    assert ticket.first_response_due == sh(2026, 11, 23, 9, 30) or ticket.first_response_due == now
    # already past: the breach counts from the change
    assert ticket.first_response_due == now
    assert ticket.resolution_due == sh(2026, 11, 23, 13)
    assert ticket.sla_reset_at == now
    assert ticket.next_escalation_at == now


def test_priority_change_escalates_once(staff):
    ticket = make_ticket(opened_at=sh(2026, 11, 23, 9))
    change = sh(2026, 11, 23, 14)
    services.ticket_change_priority(actor=staff, ticket=ticket, priority="emergency", now=change)
    outcome = services.ticket_escalate_due(now=change + timedelta(minutes=1))
    # both first-response and resolution (09:00 + 4 h) are past: one escalation, to level 2
    assert outcome.escalated == [(ticket.pk, 2)]
    assert services.ticket_escalate_due(now=change + timedelta(minutes=2)).escalated == []
    ticket.refresh_from_db()
    assert ticket.escalation_level == 2
    assert ticket.group == "executive"
    assert ticket.escalations.count() == 1


def test_counterparty_only_on_channel_tickets():
    a, b = DealerFactory(), DealerFactory()
    with pytest.raises(ValidationError):
        make_ticket(a, category="product", counterparty=b)
    with pytest.raises(ValidationError):
        make_ticket(a, category="channel", counterparty=a)
    ticket = make_ticket(a, category="channel", counterparty=b)
    assert set(Ticket.objects.visible_to(DealerUserFactory(membership__dealer=b))) == {ticket}


def test_counterparty_sees_public_thread_only(staff):
    a, b = DealerFactory(), DealerFactory()
    ticket = make_ticket(a, category="channel", counterparty=b)
    services.ticket_comment(actor=staff, ticket=ticket, body="public")
    services.ticket_comment(actor=staff, ticket=ticket, body="secret", internal=True)
    user_b = DealerUserFactory(membership__dealer=b)
    assert [c.body for c in selectors.ticket_comments_visible_to(user_b, ticket)] == ["public"]
    outsider = DealerUserFactory(membership__dealer=DealerFactory())
    assert not Ticket.objects.visible_to(outsider).exists()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_attachment_rules(dealer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = DealerUserFactory(membership__dealer=dealer)
    ticket = make_ticket(dealer)
    attachment = services.ticket_attach(
        actor=user, ticket=ticket, upload=SimpleUploadedFile("photo.txt", PNG)
    )
    assert attachment.content_type == "image/png"
    with pytest.raises(ValidationError) as err:
        services.ticket_attach(
            actor=user, ticket=ticket, upload=SimpleUploadedFile("fake.pdf", b"MZ not a pdf")
        )
    assert err.value.error_dict["file"][0].code == "invalid_type"
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as err:
        services.ticket_attach(actor=user, ticket=ticket, upload=big)
    assert err.value.error_dict["file"][0].code == "too_large"
    assert TicketAttachment.objects.count() == 1
    assert ticket.events.filter(kind=TicketEvent.Kind.ATTACHED).count() == 1


def test_suspended_dealer_cannot_open_tickets(dealer):
    defaults()
    dealer.status = "suspended"
    dealer.save()
    user = DealerUserFactory(membership__dealer=dealer)
    with pytest.raises(ValidationError) as err:
        services.ticket_open(actor=user, dealer=dealer, category="other", priority="low", title="x")
    assert err.value.error_dict["dealer"][0].code == "dealer_read_only"
    assert not Ticket.objects.exists()


def test_sla_state_annotation_matches_property(staff):
    now = timezone.now()
    fresh = make_ticket(opened_at=now - timedelta(minutes=1), priority="emergency")
    late = make_ticket(opened_at=now - timedelta(hours=5), priority="emergency")
    risky = make_ticket(opened_at=now - timedelta(minutes=200), priority="emergency")
    services.ticket_comment(actor=staff, ticket=risky, body="hi", at=now - timedelta(minutes=199))
    for t in Ticket.objects.all():
        annotated = selectors.ticket_list_visible_to(staff, now=now).get(pk=t.pk).current_sla_state
        assert annotated == t.sla_state_at(now)
    states = {t.pk: t.sla_state_at(now) for t in Ticket.objects.all()}
    assert states == {fresh.pk: "on_track", late.pk: "breached", risky.pk: "at_risk"}


def test_holiday_added_later_moves_running_ticket_at_next_change(staff):
    ticket = make_ticket(opened_at=sh(2026, 11, 23, 9))
    calendar = BusinessCalendar.objects.get(code="CN-MAINLAND")
    CalendarHoliday.objects.create(calendar=calendar, day=date(2026, 11, 24), name="closure")
    services.ticket_transition(
        actor=staff,
        ticket=ticket,
        status=S.IN_PROGRESS,
        at=sh(2026, 11, 23, 9, 30),
        now=sh(2026, 11, 23, 10),
    )
    ticket.refresh_from_db()
    assert ticket.resolution_due == sh(2026, 11, 26, 15)  # Tuesday skipped
