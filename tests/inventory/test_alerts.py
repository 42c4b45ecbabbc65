"""Reorder rules, low/over alerts, stale-data flags (DOMAIN.md §5.3)."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from inventory import calculations, services
from inventory.models import StockAlert
from inventory.selectors import stock_alert_counts_by_region
from portal.models import JobRun, Notification
from tests.factories import StaffUserFactory, region_tree
from tests.inventory.factories import ProductFactory, ReorderRuleFactory, WarehouseFactory
from tests.inventory.test_read_api import sell, set_stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(dealer):
    tree = region_tree()
    manager = StaffUserFactory(groups=["channel_manager"], preferred_language="en")
    tree["CN-GD"].channel_managers.add(manager)
    product = ProductFactory(sku="A-1")
    warehouse = WarehouseFactory(code="WH-A", dealer=dealer, region=tree["CN-GD-SZ"])
    ReorderRuleFactory(product=product, region=tree["CN-GD"], min_days_cover=10, max_days_cover=30)
    sell(dealer, product, 28, "CN-GD-SZ")  # 1 a day
    return {"product": product, "warehouse": warehouse, "manager": manager, "dealer": dealer}


def test_cover_status_bounds():
    status = calculations.cover_status
    rule = {"min_days": Decimal("10"), "max_days": Decimal("30")}
    assert status(quantity=Decimal(9), cover=Decimal("9.9"), **rule) == "low"
    assert status(quantity=Decimal(10), cover=Decimal("10"), **rule) == "ok"
    assert status(quantity=Decimal(30), cover=Decimal("30"), **rule) == "ok"
    assert status(quantity=Decimal(31), cover=Decimal("30.1"), **rule) == "over"
    assert status(quantity=Decimal(5), cover=None, **rule) == "over"
    assert status(quantity=Decimal(0), cover=None, **rule) == "ok"
    assert status(quantity=Decimal(5), cover=None, min_days=None, max_days=None) == "no_rule"
    assert calculations.days_of_cover(Decimal(10), Decimal("0")) is None
    assert calculations.days_of_cover(Decimal(10), Decimal("3")) == Decimal("3.3")


def test_low_alert_opens_once_notifies_and_resolves(setup):
    set_stock(setup["warehouse"], setup["product"], 5)  # 5 days of cover
    first = services.stock_alerts_evaluate()
    assert [a.kind for a in first.opened] == ["low"]
    alert = StockAlert.objects.get()
    assert (alert.region.code, alert.quantity, alert.days_of_cover) == ("CN-GD", 5, Decimal("5.0"))
    note = Notification.objects.get(recipient=setup["manager"])
    assert note.kind == "stock_low" and "A-1" in note.title and note.url == "/stock/regions/CN-GD/"
    again = services.stock_alerts_evaluate()  # still low: nothing new
    assert again.opened == [] and StockAlert.objects.count() == 1
    assert Notification.objects.count() == 1
    set_stock(setup["warehouse"], setup["product"], 20, as_of="2026-11-21T08:00:00+08:00")
    done = services.stock_alerts_evaluate()
    assert done.resolved == 1 and done.opened == []
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_low_turning_over_resolves_and_opens(setup):
    set_stock(setup["warehouse"], setup["product"], 5)
    services.stock_alerts_evaluate()
    set_stock(setup["warehouse"], setup["product"], 50, as_of="2026-11-21T08:00:00+08:00")
    changes = services.stock_alerts_evaluate()
    assert [a.kind for a in changes.opened] == ["over"] and changes.resolved == 1
    assert list(StockAlert.objects.open().values_list("kind", flat=True)) == ["over"]
    assert stock_alert_counts_by_region() == {"CN-GD": {"low": 0, "over": 1, "stale_data": 0}}


def test_batch_task_runs_after_commit(setup, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from portal.celery import app

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            set_stock(setup["warehouse"], setup["product"], 2)
        assert callbacks  # the evaluation task, then its notification e-mail
    finally:
        app.conf.task_always_eager = False
    assert StockAlert.objects.open().get().kind == "low"


def test_stale_flags(setup):
    now = timezone.now()
    fresh = WarehouseFactory(code="WH-F", dealer=setup["dealer"], last_synced_at=now)
    old = WarehouseFactory(
        code="WH-O", dealer=setup["dealer"], last_synced_at=now - timedelta(days=8)
    )
    changes = services.stock_stale_flags_evaluate(now=now)
    flagged = {a.warehouse.code for a in changes.opened}
    assert flagged == {"WH-A", "WH-O"}  # never synced counts as stale
    assert fresh.pk not in {a.warehouse_id for a in StockAlert.objects.open()}
    assert services.stock_stale_flags_evaluate(now=now).opened == []
    old.last_synced_at = now
    old.save()
    changes = services.stock_stale_flags_evaluate(now=now)
    assert changes.resolved == 1
    assert {a.warehouse.code for a in StockAlert.objects.open()} == {"WH-A"}


def test_periodic_command_records_a_job_run(setup):
    set_stock(setup["warehouse"], setup["product"], 5)
    out = StringIO()
    call_command("evaluate_stock_alerts", stdout=out)
    run = JobRun.objects.get(job="evaluate_stock_alerts")
    assert run.status == "succeeded" and run.counts["opened"] == 1
    assert "opened: 1" in out.getvalue()
    call_command("evaluate_stock_alerts", "--dry-run", stdout=StringIO())
    assert StockAlert.objects.open().count() == 1
