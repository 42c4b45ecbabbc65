"""Thin Celery tasks: take ids, call an idempotent service."""

from celery import shared_task

from inventory import services


@shared_task
def stock_alerts_evaluate_batch(*, product_ids: list[int], warehouse_ids: list[int]) -> dict:
    """After an applied batch: re-evaluate the rules of its products and the stale flags of
    its warehouses."""
    alerts = services.stock_alerts_evaluate(product_ids=product_ids)
    stale = services.stock_stale_flags_evaluate(warehouse_ids=warehouse_ids)
    return {
        "opened": len(alerts.opened) + len(stale.opened),
        "resolved": alerts.resolved + stale.resolved,
    }


@shared_task
def stock_alerts_evaluate_all() -> dict:
    """Periodic: every rule and every warehouse (the ``evaluate_stock_alerts`` twin)."""
    return services.stock_alerts_evaluate_periodic()
