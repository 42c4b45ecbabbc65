"""Fixtures of the dealers tests."""

import datetime as dt

import pytest
from django.utils import timezone


class Clock:
    """A settable ``timezone.now()``: everything that reads the time through
    ``django.utils.timezone.now`` (services, selectors, ``auto_now_add`` fields, history
    dates) sees ``at``."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def set(self, at: dt.datetime) -> dt.datetime:
        assert timezone.is_aware(at)
        self.at = at
        return at

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch):
    """A stopped clock at the real now; ``clock.set(aware_datetime)`` moves it."""
    fake = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", fake)
    return fake
