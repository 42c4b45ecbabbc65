"""Beat reads every crontab in the manufacturer's zone (CELERY_TIMEZONE): each daily entry
says its local time, with no hand-converted UTC hours."""

import pytest
from django.conf import settings

#: beat entry → (hour, minute) in the manufacturer's zone
LOCAL_TIMES = {
    "dealers-end-transitions": (0, 10),
    "commissions-refresh-statements": (2, 30),
    "collaboration-action-item-reminders": (9, 0),
    "reviews-quarterly-reviews": (2, 0),
}


def test_celery_reads_crontabs_in_the_manufacturers_zone():
    assert settings.CELERY_TIMEZONE == settings.MANUFACTURER_TIME_ZONE


@pytest.mark.parametrize(("entry", "local"), sorted(LOCAL_TIMES.items()))
def test_daily_jobs_run_at_their_local_time(entry, local):
    schedule = settings.CELERY_BEAT_SCHEDULE[entry]["schedule"]
    assert (schedule.hour, schedule.minute) == ({local[0]}, {local[1]})
