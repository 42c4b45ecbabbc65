"""Every command's ``--now`` follows one rule (portal.commands.now_option): ISO 8601; without
an offset the manufacturer's wall-clock time (its operators' time, as uploads); anything
else a CommandError naming the option — never a traceback, never silently "now"."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.commands import now_option

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: every command that takes an ISO date-time as --now
COMMANDS = [
    "escalate_tickets",
    "evaluate_stock_alerts",
    "send_action_item_reminders",
    "suggest_stock_transfers",
    "mark_stalled_jobs",
    "purge_idempotency_keys",
    "dispatch_events",
    "deliver_webhooks",
    "expire_deal_registrations",
    "run_mdf_daily",
    "book_price_protection",
]


def test_without_an_offset_it_is_manufacturer_time():
    assert now_option("2027-03-02T23:00:00") == dt.datetime(2027, 3, 2, 23, tzinfo=SHANGHAI)
    assert now_option("2027-03-02T15:00:00Z") == dt.datetime(2027, 3, 2, 23, tzinfo=SHANGHAI)


def test_absent_it_is_now():
    before = dt.datetime.now(dt.UTC)
    assert before <= now_option(None) <= dt.datetime.now(dt.UTC)


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01T00:00:00", "2026-01-01T00:00:00+99:00"])
def test_bad_text_is_a_command_error(text):
    with pytest.raises(CommandError, match="--now"):
        now_option(text)


@pytest.mark.django_db
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01T00:00:00"])
def test_every_command_refuses_a_bad_now_and_changes_nothing(command, text):
    with pytest.raises(CommandError, match="--now"):
        call_command(command, "--now", text, stdout=StringIO(), stderr=StringIO())
