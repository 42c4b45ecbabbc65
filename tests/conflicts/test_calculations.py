"""SLA arithmetic (DOMAIN.md §7.3), without a database."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflicts.calculations import (
    Calendar,
    DayInterval,
    Trigger,
    add_sla_minutes,
    calendar_intervals,
    explain_due,
    parse_trigger,
    sla_minutes_between,
    sla_seconds_between,
    sla_state,
)

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


def sh(*args):
    return datetime(*args, tzinfo=SH)


def berlin(*args):
    return datetime(*args, tzinfo=BERLIN)


CHINA = Calendar.office_hours("Asia/Shanghai")
H24 = Calendar.twenty_four_seven()


def test_domain_example_friday_afternoon_to_monday():
    # normal product ticket, Friday 2026-11-20 17:00, 8 business hours → Monday 16:00
    assert add_sla_minutes(sh(2026, 11, 20, 17), 8 * 60, CHINA) == sh(2026, 11, 23, 16)


def test_domain_example_emergency_with_pause():
    opened = sh(2026, 11, 23, 10)
    assert add_sla_minutes(opened, 240, H24) == sh(2026, 11, 23, 14)
    pause = [(sh(2026, 11, 23, 11), sh(2026, 11, 23, 12, 30))]
    assert add_sla_minutes(opened, 240, H24, pause) == sh(2026, 11, 23, 15, 30)


def test_target_ending_at_interval_end_is_that_end():
    assert add_sla_minutes(sh(2026, 11, 23, 9), 9 * 60, CHINA) == sh(2026, 11, 23, 18)
    assert add_sla_minutes(sh(2026, 11, 23, 17), 60, CHINA) == sh(2026, 11, 23, 18)
    # one more minute goes to the next opening
    assert add_sla_minutes(sh(2026, 11, 23, 17), 61, CHINA) == sh(2026, 11, 24, 9, 1)


def test_berlin_24x7_across_spring_forward_is_real_hours():
    due = add_sla_minutes(berlin(2025, 3, 30, 0, 30), 240, H24)
    assert due.astimezone(BERLIN) == berlin(2025, 3, 30, 5, 30)
    assert due.astimezone(BERLIN).utcoffset() == timedelta(hours=2)
    assert due - berlin(2025, 3, 30, 0, 30) == timedelta(hours=4)


def test_berlin_business_hours_across_dst():
    cal = Calendar.office_hours("Europe/Berlin", hours=[(time(9), time(17))])
    due = add_sla_minutes(berlin(2025, 3, 28, 16), 240, cal)
    local = due.astimezone(BERLIN)
    assert (local.date(), local.hour, local.minute) == (date(2025, 3, 31), 12, 0)
    assert local.utcoffset() == timedelta(hours=2)  # CEST
    assert due == datetime(2025, 3, 31, 10, tzinfo=UTC)


def test_berlin_autumn_back_24x7():
    due = add_sla_minutes(berlin(2025, 10, 26, 1, 0), 180, H24)
    assert due - berlin(2025, 10, 26, 1, 0) == timedelta(hours=3)
    assert due.astimezone(BERLIN).hour == 3  # 01:00 CEST + 3 h = 03:00 CET (an hour repeats)


def test_holiday_inside_window():
    # National Day 2026: Oct 1–7 off; Wednesday Sep 30 17:00 + 8 h → Thursday Oct 8 16:00
    holidays = [date(2026, 10, d) for d in range(1, 8)]
    cal = Calendar.office_hours("Asia/Shanghai", holidays=holidays)
    assert add_sla_minutes(sh(2026, 9, 30, 17), 480, cal) == sh(2026, 10, 8, 16)
    explanation = explain_due(sh(2026, 9, 30, 17), 480, cal)
    assert explanation.due == sh(2026, 10, 8, 16)
    assert explanation.open_minutes_used == Decimal("480.00")
    assert explanation.closed_days_skipped == tuple(date(2026, 10, d) for d in range(1, 8))


def test_makeup_saturday_is_open():
    # Saturday 2026-10-10 is a make-up working day
    cal = Calendar.office_hours(
        "Asia/Shanghai",
        holidays=[date(2026, 10, d) for d in range(1, 8)],
        makeup_days=[date(2026, 10, 10)],
    )
    # Friday 2026-10-09 17:00 + 8 h: 1 h Friday, 7 h on the make-up Saturday
    assert add_sla_minutes(sh(2026, 10, 9, 17), 480, cal) == sh(2026, 10, 10, 16)
    plain = Calendar.office_hours("Asia/Shanghai")
    assert add_sla_minutes(sh(2026, 10, 9, 17), 480, plain) == sh(2026, 10, 12, 16)


def test_makeup_day_works_as_named_weekday():
    cal = Calendar(
        time_zone="Asia/Shanghai",
        weekly={0: (DayInterval(540, 720),), 4: (DayInterval(600, 660),)},
        makeup_days={date(2026, 11, 28): 4},  # Saturday keeping Friday's hours
    )
    assert add_sla_minutes(sh(2026, 11, 27, 10, 30), 60, cal) == sh(2026, 11, 28, 10, 30)


def test_several_intervals_a_day():
    cal = Calendar.office_hours(
        "Asia/Shanghai", hours=[(time(9), time(12)), (time(13, 30), time(18))]
    )
    # 11:00 + 2 h: 1 h until 12:00, lunch, 1 h from 13:30 → 14:30
    assert add_sla_minutes(sh(2026, 11, 23, 11), 120, cal) == sh(2026, 11, 23, 14, 30)
    # the morning runs out exactly at 12:00: due at 12:00, not 13:30
    assert add_sla_minutes(sh(2026, 11, 23, 11), 60, cal) == sh(2026, 11, 23, 12)
    assert sla_minutes_between(sh(2026, 11, 23, 8), sh(2026, 11, 23, 20), cal) == Decimal("450.00")


def test_intervals_given_out_of_order_and_touching_are_merged():
    cal = Calendar(
        time_zone="UTC",
        weekly={d: (DayInterval(720, 1440), DayInterval(0, 720)) for d in range(7)},
    )
    start = datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert list(calendar_intervals(cal, start, start + timedelta(days=2))) == [
        (start, start + timedelta(days=2))
    ]


def test_pause_spanning_closed_hours():
    # waiting on the dealer from Monday 17:00 to Tuesday 10:00: only 2 open hours are lost
    opened = sh(2026, 11, 23, 9)
    pause = [(sh(2026, 11, 23, 17), sh(2026, 11, 24, 10))]
    assert add_sla_minutes(opened, 480, CHINA) == sh(2026, 11, 23, 17)
    assert add_sla_minutes(opened, 600, CHINA, pause) == sh(2026, 11, 24, 12)
    assert sla_minutes_between(opened, sh(2026, 11, 24, 12), CHINA, pause) == Decimal("600.00")


def test_open_pause_stops_the_clock():
    opened = sh(2026, 11, 23, 9)
    assert add_sla_minutes(opened, 600, CHINA, [(sh(2026, 11, 23, 10), None)]) is None
    # reached before the pause began: still due
    assert add_sla_minutes(opened, 30, CHINA, [(sh(2026, 11, 23, 10), None)]) == sh(
        2026, 11, 23, 9, 30
    )


def test_reopen_resumes_with_time_already_used():
    # 24 business hours; resolved Monday 12:00 after 3 h, reopened Wednesday 09:00
    opened = sh(2026, 11, 23, 9)
    resolved = [(sh(2026, 11, 23, 12), sh(2026, 11, 25, 9))]
    due = add_sla_minutes(opened, 24 * 60, CHINA, resolved)
    # 3 h used Monday; 21 h left from Wednesday 09:00 → Wed 9 h, Thu 9 h, Fri 3 h → Fri 12:00
    assert due == sh(2026, 11, 27, 12)
    assert sla_minutes_between(opened, due, CHINA, resolved) == Decimal(24 * 60)


def test_opened_outside_hours_starts_at_next_opening():
    assert add_sla_minutes(sh(2026, 11, 21, 15), 60, CHINA) == sh(2026, 11, 23, 10)
    assert add_sla_minutes(sh(2026, 11, 23, 7), 60, CHINA) == sh(2026, 11, 23, 10)


def test_zero_minutes_is_start_and_reverse_window_is_zero():
    start = sh(2026, 11, 23, 7)
    assert add_sla_minutes(start, 0, CHINA) == start
    assert sla_seconds_between(start, start - timedelta(hours=1), CHINA) == 0


def test_never_open_calendar_is_an_error():
    with pytest.raises(ValueError):
        add_sla_minutes(sh(2026, 11, 23, 7), 60, Calendar(time_zone="Asia/Shanghai"))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_sla_minutes(datetime(2026, 11, 23, 7), 60, CHINA)


def test_midnight_end_means_24_00():
    assert DayInterval.from_times(time(18), time(0)) == DayInterval(1080, 1440)
    cal = Calendar(time_zone="Asia/Shanghai", weekly={0: (DayInterval(1080, 1440),)})
    assert add_sla_minutes(sh(2026, 11, 23, 18), 360, cal) == sh(2026, 11, 24, 0)


def test_explanation_counts_paused_minutes():
    opened = sh(2026, 11, 23, 10)
    pause = [(sh(2026, 11, 23, 11), sh(2026, 11, 23, 12, 30))]
    explanation = explain_due(opened, 240, H24, pause)
    assert explanation.due == sh(2026, 11, 23, 15, 30)
    assert explanation.paused_minutes == Decimal("90.00")
    assert explanation.open_minutes_used == Decimal("240.00")
    assert explanation.closed_days_skipped == ()


def test_explanation_skips_weekend():
    explanation = explain_due(sh(2026, 11, 20, 17), 480, CHINA, now=sh(2026, 11, 23, 10))
    assert explanation.due == sh(2026, 11, 23, 16)
    assert explanation.open_minutes_used == Decimal("120.00")  # 1 h Fri + 1 h Mon so far
    assert explanation.closed_days_skipped == (date(2026, 11, 21), date(2026, 11, 22))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("first_response_breach", Trigger("first_response_breach")),
        ("resolution_breach", Trigger("resolution_breach")),
        ("resolution_percent:80", Trigger("resolution_percent", 80)),
        ("elapsed:2880", Trigger("elapsed", 2880)),
    ],
)
def test_parse_trigger(text, expected):
    assert parse_trigger(text) == expected
    assert str(parse_trigger(text)) == text


@pytest.mark.parametrize(
    "text",
    ["", "resolution_percent:0", "resolution_percent:101", "elapsed:0", "later", "elapsed:x"],
)
def test_parse_trigger_refuses(text):
    with pytest.raises(ValueError):
        parse_trigger(text)


# --- properties --------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 1), timezones=st.just(UTC)
)
BERLIN_CAL = Calendar.office_hours(
    "Europe/Berlin",
    hours=[(time(8), time(12)), (time(13), time(17))],
    holidays=[date(2025, 12, 25), date(2026, 3, 30)],
    makeup_days=[date(2026, 3, 28)],
)


@settings(max_examples=60, deadline=None)
@given(start=instants, minutes=st.integers(min_value=1, max_value=5000))
def test_adding_then_measuring_gives_the_target(start, minutes):
    for cal in (CHINA, BERLIN_CAL, H24):
        due = add_sla_minutes(start, minutes, cal)
        assert sla_seconds_between(start, due, cal) == minutes * 60
        # and the deadline is the earliest such instant
        assert sla_seconds_between(start, due - timedelta(seconds=1), cal) < minutes * 60


@settings(max_examples=40, deadline=None)
@given(
    start=instants,
    a=st.integers(min_value=1, max_value=3000),
    b=st.integers(min_value=1, max_value=3000),
    pause_at=st.integers(min_value=0, max_value=5000),
    pause_len=st.integers(min_value=0, max_value=5000),
)
def test_additive_and_pauses_only_delay(start, a, b, pause_at, pause_len):
    first = add_sla_minutes(start, a, CHINA)
    assert add_sla_minutes(first, b, CHINA) == add_sla_minutes(start, a + b, CHINA)
    p_start = start + timedelta(minutes=pause_at)
    pauses = [(p_start, p_start + timedelta(minutes=pause_len))]
    assert add_sla_minutes(start, a, CHINA, pauses) >= first


@settings(max_examples=40, deadline=None)
@given(
    start=instants,
    minutes=st.integers(min_value=1, max_value=4000),
    pauses=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=8000), st.integers(min_value=1, max_value=3000)
        ),
        max_size=4,
    ),
)
def test_pauses_are_not_counted(start, minutes, pauses):
    ledger = [
        (start + timedelta(minutes=at), start + timedelta(minutes=at + length))
        for at, length in pauses
    ]
    for cal in (CHINA, H24):
        due = add_sla_minutes(start, minutes, cal, ledger)
        assert sla_seconds_between(start, due, cal, ledger) == minutes * 60
        for p_start, p_end in ledger:  # never due strictly inside a pause
            assert not (p_start < due < p_end)


@pytest.mark.parametrize(
    "fields,state",
    [
        ({}, "on_track"),
        ({"warning_at": -1}, "at_risk"),
        ({"first_response_due": -1}, "breached"),
        ({"first_response_due": -1, "first_response_at": -2}, "on_track"),
        ({"resolution_due": -1, "status": "waiting_on_dealer"}, "breached"),
        ({"first_response_at": -1, "first_response_due": -2}, "breached"),
        ({"status": "waiting_on_dealer", "warning_at": -1}, "paused"),
        ({"status": "resolved", "resolved_within_target": True}, "met"),
        ({"status": "closed", "resolved_within_target": False}, "breached"),
        ({"status": "resolved", "first_response_at": -1, "first_response_due": -2}, "breached"),
        ({"status": "resolved", "resolved_within_target": None}, "met"),
    ],
)
def test_sla_state(fields, state):
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    hours = {"first_response_due": 2, "resolution_due": 8, "warning_at": 6}
    values = {
        "status": "open",
        "resolved_within_target": None,
        "first_response_at": None,
        **{name: now + timedelta(hours=h) for name, h in hours.items()},
    }
    for name, value in fields.items():
        moved = isinstance(value, int) and not isinstance(value, bool)
        values[name] = now + timedelta(hours=value) if moved else value
    assert sla_state(**values, now=now) == state
