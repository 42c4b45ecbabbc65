"""Matching on submit (DOMAIN.md §12): the same customer of another dealer is a conflict and
a channel ticket; an exclusive territory of another dealer conflicts with its holder; a
free-mail domain never matches; a similar name goes to review."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from conflicts.models import DealConflict, Ticket
from deals.models import DealMatch, DealRegistration
from portal import events
from portal.models import Event
from tests.deals.factories import line, register
from tests.factories import DealerFactory, DealerUserFactory, TerritoryFactory, region_tree

pytestmark = pytest.mark.django_db

S = DealRegistration.Status
CODE = "91350100M000100Y43"  # a valid unified social credit code


def dispatch_deal_events():
    for event in Event.objects.filter(topic="deal.status_changed", dispatched_at__isnull=True):
        events.event_dispatch(event_id=event.pk)


@pytest.fixture
def two():
    region_tree()
    return DealerFactory(code="A"), DealerFactory(code="B")


def test_the_second_dealer_registering_the_same_customer_is_a_conflict_with_one_ticket(two):
    a, b = two
    first = register(a, "深圳市星河科技有限公司")
    second = register(b, "深圳市星河科技")
    assert first.status == S.SUBMITTED
    assert second.status == S.CONFLICT
    match = second.matches.get()
    assert (match.kind, match.other, match.reasons) == ("conflict", first, ["name"])

    dispatch_deal_events()
    dispatch_deal_events()  # a redelivery opens nothing more
    ticket = Ticket.objects.get()
    assert (ticket.category, ticket.dealer, ticket.counterparty) == ("channel", b, a)
    assert ticket.subject == second
    link = DealConflict.objects.get()
    assert (link.registration, link.earlier, link.ticket) == (second, first, ticket)
    # the ticket names no customer data of the earlier registration
    assert first.customer_name not in ticket.title + ticket.description


def test_the_numbers_and_the_event_of_a_submit(two):
    a, _b = two
    registration = register(a, now=dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC))
    assert registration.number == f"DR-2026-{registration.pk:06d}"
    event = Event.objects.get(topic="deal.status_changed")
    assert event.dealer_id == a.pk
    assert event.payload["status"] == "submitted" and event.payload["old_status"] == ""
    assert "customer_name" not in event.payload


def test_same_credit_code_conflicts_across_provinces(two):
    a, b = two
    first = register(a, "星河科技", customer_credit_code=CODE)
    second = register(b, "Star River", region="CN-BJ", customer_credit_code=CODE.lower())
    assert second.status == S.CONFLICT
    assert second.matches.get().reasons == ["credit_code"]
    assert second.matches.get().other == first


def test_same_name_in_another_province_is_not_the_same_customer(two):
    a, b = two
    register(a, "星河科技")
    assert register(b, "星河科技", region="CN-BJ").status == S.SUBMITTED


def test_same_corporate_domain_conflicts_but_a_free_mail_domain_never_matches(two):
    a, b = two
    register(a, "星河科技", customer_email="li@qq.com")
    assert register(b, "白云电器", customer_email="wang@qq.com").status == S.SUBMITTED
    register(a, "珠江照明", customer_email="li@pearl-light.cn")
    other = register(b, "Pearl Lighting", region="CN-BJ", customer_email="zhao@PEARL-LIGHT.cn")
    assert other.status == S.CONFLICT
    assert other.matches.get().reasons == ["email_domain"]


def test_free_mail_list_is_a_setting(two, settings):
    a, b = two
    settings.DEALS_FREE_MAIL_DOMAINS = ["example.org"]
    register(a, "星河科技", customer_email="li@example.org")
    assert register(b, "白云电器", customer_email="w@example.org").status == S.SUBMITTED
    register(a, "珠江照明", customer_email="li@qq.com")
    assert register(b, "Pearl", region="CN-BJ", customer_email="w@qq.com").status == S.CONFLICT


def test_product_lines_must_overlap(two):
    a, b = two
    register(a, "星河科技", lines=[line("PL-A")])
    assert register(b, "星河科技", lines=[line("PL-B")]).status == S.SUBMITTED
    assert register(b, "星河科技", lines=[line("PL-B"), line("PL-A")]).status == S.CONFLICT


def test_the_same_dealer_twice_is_not_a_conflict(two):
    a, _b = two
    register(a, "星河科技")
    assert register(a, "星河科技有限公司").status == S.SUBMITTED


def test_rejected_or_expired_registrations_hold_no_customer(two):
    a, b = two
    first = register(a, "星河科技")
    DealRegistration.objects.filter(pk=first.pk).update(
        status=S.EXPIRED, protected_until=dt.date(2026, 1, 1)
    )
    assert register(b, "星河科技").status == S.SUBMITTED


def test_exclusive_territory_of_another_dealer_conflicts_with_the_holder(two):
    _a, b = two
    holder = DealerFactory(code="H")
    home = line()
    territory = TerritoryFactory(
        dealer=holder,
        region=region_tree()["CN-GD"],
        product_line=home,
        exclusive=True,
        starts_on=dt.date(2025, 1, 1),
    )
    registration = register(b, "星河科技", lines=[home])
    assert registration.status == S.CONFLICT
    match = registration.matches.get()
    assert (match.territory, match.other_dealer, match.reasons) == (
        territory,
        holder,
        ["territory"],
    )

    dispatch_deal_events()
    ticket = Ticket.objects.get()
    assert (ticket.dealer, ticket.counterparty) == (b, holder)
    assert DealConflict.objects.get().territory == territory
    # the holder's own registration there is not a conflict
    assert register(holder, "白云电器", lines=[home]).status == S.SUBMITTED


def test_a_similar_name_in_the_province_goes_to_review_with_the_candidates(two):
    a, b = two
    first = register(a, "深圳市星河科技发展有限公司")
    second = register(b, "深圳市星河科技")
    assert second.status == S.UNDER_REVIEW
    match = second.matches.get()
    assert (match.kind, match.other) == (DealMatch.Kind.SIMILAR, first)
    assert match.similarity >= 0.6
    dispatch_deal_events()
    assert not Ticket.objects.exists()


def test_the_other_dealer_is_told_nothing_but_the_ticket(two):
    a, b = two
    register(a, "深圳市星河科技有限公司", customer_email="li@starriver.cn", notes="big deal")
    register(b, "深圳市星河科技")
    dispatch_deal_events()
    ticket = Ticket.objects.get()
    text = ticket.title + ticket.description
    for private in ("li@starriver.cn", "big deal", "100000"):
        assert private not in text


def test_invalid_input_is_refused_with_field_codes(two):
    a, _b = two
    with pytest.raises(ValidationError) as bad_code:
        register(a, "星河科技", customer_credit_code="91350100M000100Y44")
    assert "customer_credit_code" in bad_code.value.message_dict
    with pytest.raises(ValidationError) as country:
        register(a, "星河科技", region="CN")
    assert country.value.error_dict["customer_region"][0].code == "invalid_region"
    with pytest.raises(ValidationError) as past:
        register(a, "星河科技", expected_close_on=dt.date(2020, 1, 1))
    assert past.value.error_dict["expected_close_on"][0].code == "in_past"
    assert not DealRegistration.objects.exists()


def test_a_dealer_registers_only_for_itself(two):
    a, b = two
    user = DealerUserFactory(membership__dealer=a)
    with pytest.raises(ValidationError):
        register(b, "星河科技", actor=user)
    assert register(None, "星河科技", actor=user).dealer == a
