"""The quarterly task and its beat entry (DOMAIN.md §8)."""

import copy
import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from reviews import tasks
from tests.factories import DealerFactory

pytestmark = pytest.mark.django_db


def test_beat_reads_crontabs_in_the_manufacturers_zone():
    """CELERY_TIMEZONE is the manufacturer's zone: the quarterly entry says 02:00 on a
    quarter's first day and means it there, with no hand-converted UTC hours."""
    from portal.celery import app

    beat = settings.CELERY_BEAT_SCHEDULE
    quarterly = beat["reviews-quarterly-reviews"]["schedule"]
    assert (quarterly.hour, quarterly.minute) == ({2}, {0})
    assert quarterly.day_of_month == {1} and quarterly.month_of_year == {1, 4, 7, 10}
    assert beat["collaboration-action-item-reminders"]["schedule"].hour == {9}
    assert str(app.timezone) == settings.MANUFACTURER_TIME_ZONE == "Asia/Shanghai"
    # 17:59 UTC on 31 December is 01:59 on 1 January in Shanghai: a minute before the run.
    schedule = copy.copy(quarterly)
    schedule.app = app
    now = dt.datetime(2026, 12, 31, 17, 59, tzinfo=dt.UTC)
    schedule.nowfun = lambda: now.astimezone(app.timezone)
    remaining = schedule.remaining_estimate(dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC))
    assert remaining == dt.timedelta(minutes=1)


def test_quarterly_task_runs_only_on_a_quarters_first_local_day(monkeypatch):
    calls = []
    monkeypatch.setattr("reviews.services.quarterly_run", lambda **kw: calls.append(kw) or {})
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2027, 3, 30, 18, 0, tzinfo=dt.UTC))
    assert tasks.quarterly_reviews() == {"skipped": 1}
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2027, 3, 31, 18, 0, tzinfo=dt.UTC))
    tasks.quarterly_reviews()
    assert calls == [{"quarter": "2027Q1", "dealer": None}]


def test_quarterly_task_with_a_dealer(monkeypatch):
    dealer = DealerFactory()
    calls = []
    monkeypatch.setattr("reviews.services.quarterly_run", lambda **kw: calls.append(kw) or {})
    tasks.quarterly_reviews(quarter="2026Q4", dealer=dealer.code)
    assert calls == [{"quarter": "2026Q4", "dealer": dealer}]
