"""Month and Quarter (portal.periods): parsing, bounds in a zone, stepping, the calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from portal.clock import manufacturer_tz
from portal.periods import Month, PeriodError, Quarter, add_months

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


# --- parse and str ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11", Month(2026, 11)),
        ("2026-01", Month(2026, 1)),
        ("2026-1", Month(2026, 1)),  # the old parser took a one-digit month
        (" 2026-11 ", Month(2026, 11)),
        ("２０２６-１１", Month(2026, 11)),  # full-width digits (int() took them)
        ("２０２６－１１", Month(2026, 11)),
    ],
)
def test_month_parse(text, expected):
    assert Month.parse(text) == expected
    assert str(Month.parse(text)) == str(expected)


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "2026-0", "0000-01", "26-11", "2026/11", "2026-11-01", "", "x"]
)
def test_month_parse_rejects(text):
    with pytest.raises(ValidationError) as info:
        Month.parse(text)
    assert info.value.code == "invalid_month"
    assert str(info.value) == f"Not a month: {text} (use the form 2026-11)."


def test_month_parse_rejects_non_strings():
    for value in (None, 202611, dt.date(2026, 11, 1)):
        with pytest.raises(PeriodError):
            Month.parse(value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026Q4", Quarter(2026, 4)),
        ("2026Q1", Quarter(2026, 1)),
        (" 2026Q4 ", Quarter(2026, 4)),
        ("\t2026Q4\n", Quarter(2026, 4)),
        ("２０２６Q４", Quarter(2026, 4)),  # the old \d regex matched full-width digits
        ("２０２６Ｑ４", Quarter(2026, 4)),
    ],
)
def test_quarter_parse(text, expected):
    assert Quarter.parse(text) == expected


@pytest.mark.parametrize(
    "text", ["2026Q5", "2026Q0", "2026q4", "2026-4", "2026Q", "26Q4", "2026Q44", "", "Q4"]
)
def test_quarter_parse_rejects(text):
    with pytest.raises(ValidationError) as info:
        Quarter.parse(text)
    assert info.value.code == "invalid_quarter"
    assert "use the form 2026Q4" in str(info.value)


def test_a_period_error_is_a_value_error_and_a_validation_error():
    with pytest.raises(ValueError, match="Not a quarter: 2026-4"):
        Quarter.parse("2026-4")
    with pytest.raises(ValidationError) as info:
        Month.parse("2026-13")
    assert info.value.messages == ["Not a month: 2026-13 (use the form 2026-11)."]


def test_error_messages_are_translated():
    with translation.override("zh-hans"):
        message = _error_of(lambda: Quarter.parse("2026Q5"))
    assert "2026Q4" in message and "Not a quarter" not in message
    with translation.override("zh-hant"):
        message = _error_of(lambda: Month.parse("2026-13"))
    assert "2026-11" in message and "Not a month" not in message


def _error_of(call) -> str:
    try:
        call()
    except PeriodError as exc:
        return str(exc)
    raise AssertionError("no error")


def test_constructor_checks_its_fields():
    with pytest.raises(ValueError):
        Month(2026, 13)
    with pytest.raises(ValueError):
        Quarter(2026, 5)


def test_str_round_trips():
    assert str(Month(2026, 11)) == "2026-11"
    assert str(Month(987, 2)) == "0987-02"
    assert str(Quarter(2026, 4)) == "2026Q4"
    assert Month.parse(str(Month(2026, 3))) == Month(2026, 3)
    assert Quarter.parse(Quarter(2026, 4)) == Quarter(2026, 4)


# --- days and bounds -------------------------------------------------------------------


def test_first_and_last_days():
    assert (Month(2028, 2).first_day, Month(2028, 2).last_day) == (
        dt.date(2028, 2, 1),
        dt.date(2028, 2, 29),
    )
    assert Month(2026, 12).last_day == dt.date(2026, 12, 31)
    assert (Quarter(2026, 4).first_day, Quarter(2026, 4).last_day) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert Quarter(2027, 1).last_day == dt.date(2027, 3, 31)


def test_bounds_default_to_the_manufacturers_zone():
    assert manufacturer_tz() == "Asia/Shanghai"
    start, end = Month(2026, 12).bounds()
    assert start.isoformat() == "2026-12-01T00:00:00+08:00"
    assert end.isoformat() == "2027-01-01T00:00:00+08:00"  # across the year end
    assert Quarter(2026, 4).bounds() == (Month(2026, 10).bounds()[0], end)
    assert Quarter(2026, 4).bounds("Asia/Shanghai") == Quarter(2026, 4).bounds(SHANGHAI)


def test_bounds_across_daylight_saving_time():
    # New York: EDT (−04:00) until 1 November 2026, EST (−05:00) after.
    start, end = Month(2026, 11).bounds(NEW_YORK)
    assert start.isoformat() == "2026-11-01T00:00:00-04:00"
    assert end.isoformat() == "2026-12-01T00:00:00-05:00"
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(days=30, hours=1)
    start, end = Quarter(2026, 1).bounds("America/New_York")
    assert start.isoformat() == "2026-01-01T00:00:00-05:00"
    assert end.isoformat() == "2026-04-01T00:00:00-04:00"  # DST began 8 March
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(days=90, hours=-1)


def test_bounds_meet():
    month = Month(2026, 1)
    for _ in range(14):
        assert month.bounds()[1] == month.next().bounds()[0]
        month = month.next()


# --- stepping --------------------------------------------------------------------------


def test_month_arithmetic_across_years():
    assert Month(2026, 12) + 1 == Month(2027, 1)
    assert Month(2027, 1) - 1 == Month(2026, 12)
    assert Month(2027, 1).previous() == Month(2026, 12)
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2026, 11).add(-23) == Month(2024, 12)
    assert Month(2026, 11).add(14) == Month(2028, 1)
    assert Month(2027, 2) - Month(2026, 11) == 3


def test_quarter_arithmetic_across_years():
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter(2026, 4) + 1 == Quarter(2027, 1)
    assert Quarter(2026, 2) - 3 == Quarter(2025, 3)
    assert Quarter(2026, 4).add(-8) == Quarter(2024, 4)
    assert Quarter(2027, 1) - Quarter(2026, 2) == 3


def test_months_and_quarters():
    assert Quarter(2026, 4).months() == [Month(2026, 10), Month(2026, 11), Month(2026, 12)]
    assert Quarter(2026, 1).months()[0] == Month(2026, 1)
    assert [Month(2026, m).quarter for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        Quarter(2026, q) for q in (1, 1, 2, 2, 3, 3, 4, 4)
    ]


def test_ordering_and_hashing():
    assert Month(2026, 2) < Month(2026, 10) < Month(2027, 1)
    assert sorted([Quarter(2027, 1), Quarter(2026, 4), Quarter(2026, 1)]) == [
        Quarter(2026, 1),
        Quarter(2026, 4),
        Quarter(2027, 1),
    ]
    assert len({Month(2026, 11), Month.parse("2026-11"), Month(2026, 12)}) == 2
    assert {Quarter(2026, 4): "x"}[Quarter.parse("2026Q4")] == "x"
    assert Month(2026, 1) != Quarter(2026, 1)
    with pytest.raises(TypeError):
        _ = Month(2026, 1) < Quarter(2026, 1)


# --- of and current --------------------------------------------------------------------


def test_month_of_an_instant_is_in_the_zone():
    late_utc = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert Month.of(late_utc) == Month(2027, 1)  # 07:30 on 1 January in Shanghai
    assert Month.of(late_utc, "UTC") == Month(2026, 12)
    assert Month.of(late_utc, NEW_YORK) == Month(2026, 12)
    assert Quarter.of(late_utc) == Quarter(2027, 1)
    assert Quarter.of(late_utc, dt.UTC) == Quarter(2026, 4)
    # 23:30 UTC on 30 November is already 1 December in Shanghai
    assert Month.of(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)) == Month(2026, 12)


def test_month_of_dates_and_naive_wall_clock_times():
    assert Month.of(dt.date(2026, 11, 23)) == Month(2026, 11)
    assert Month.of(dt.datetime(2026, 11, 30, 23, 30)) == Month(2026, 11)
    assert Quarter.of(dt.date(2026, 11, 23)) == Quarter(2026, 4)
    assert Quarter.of(Month(2026, 5)) == Quarter(2026, 2)
    assert Month.of(Month(2026, 5)) == Month(2026, 5)
    with pytest.raises(TypeError):
        Month.of("2026-11")


def test_current_is_the_manufacturers_calendar(monkeypatch):
    instant = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)  # 00:30, 1 January, Shanghai
    monkeypatch.setattr(timezone, "now", lambda: instant)
    assert Month.current() == Month(2027, 1)
    assert Quarter.current() == Quarter(2027, 1)
    assert Quarter.current().previous() == Quarter(2026, 4)
    earlier = dt.datetime(2026, 12, 31, 15, 59, tzinfo=dt.UTC)
    assert Month.current(earlier) == Month(2026, 12)
    assert Quarter.current(earlier) == Quarter(2026, 4)


# --- dates plus months -----------------------------------------------------------------


def test_add_months_clamps_to_the_months_last_day():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 12, 31), 2) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 15), 24) == dt.date(2028, 11, 15)
