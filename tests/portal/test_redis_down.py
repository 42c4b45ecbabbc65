"""Redis down (cache and Celery broker): the web keeps working — an API write succeeds,
throttling and the cache fail open, the dispatch that could not be queued stays in the
outbox — and when Redis is back the sweep catches up."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from commissions.models import SaleLine
from portal.celery import app
from portal.event_models import Event
from tests.commissions.test_api import line

pytestmark = pytest.mark.django_db

NOBODY = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.fixture
def redis_down(settings):
    real_broker = app.conf.broker_url
    settings.CACHES = {
        "default": {"BACKEND": "portal.cache.FailOpenRedisCache", "LOCATION": NOBODY}
    }
    app.conf.broker_url = NOBODY
    app.close()  # drop the pooled connections: the next publish connects to NOBODY
    yield
    app.conf.broker_url = real_broker
    app.close()


def test_api_write_works_with_redis_down_and_the_sweep_catches_up(
    dealer_client, dealer, redis_down, settings, django_capture_on_commit_callbacks
):
    assert cache.get("anything", "miss") == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        response = dealer_client.post("/api/v1/sales/", {"lines": [line("R1")]}, format="json")
    assert response.status_code == 201, response.content
    assert SaleLine.objects.filter(dealer=dealer, external_id="R1").exists()
    pending = Event.objects.filter(dispatched_at__isnull=True)
    assert pending.exists()  # recorded with the write, its dispatch not queued
    assert dealer_client.get("/api/v1/sales/").status_code == 200

    # Redis is back: the every-minute sweep dispatches what was left
    settings.CACHES = {"default": {"BACKEND": "portal.cache.FailOpenRedisCache",
                                   "LOCATION": settings.REDIS_URL}}
    later = timezone.now() + dt.timedelta(minutes=5)
    call_command("dispatch_events", "--now", later.isoformat())
    assert not Event.objects.filter(dispatched_at__isnull=True).exists()
