"""A real Celery worker against Redis (no eager mode)."""

import pytest
from celery.contrib.testing.worker import start_worker

from portal.celery import app
from portal.tasks import ping


@pytest.mark.celery_worker
def test_task_runs_on_a_real_worker(settings):
    assert app.conf.broker_url.startswith("redis://")
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        result = ping.delay("hello")
        assert result.get(timeout=20) == "pong:hello"
