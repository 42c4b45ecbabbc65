"""Stock alerts (DOMAIN.md §5.3): days-of-cover alerts per reorder rule, stale-data flags
per warehouse, the notification of the region's channel managers, and the periodic run."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from dealers.selectors import region_channel_managers
from inventory import calculations
from inventory.models import ReorderRule, StockAlert, Warehouse
from inventory.selectors import stock_by_region_product
from portal import events
from portal.job_runs import job_run
from portal.messages import Message
from portal.notifications import notification_send


@dataclass
class AlertChanges:
    opened: list[StockAlert] = field(default_factory=list)
    resolved: int = 0


def _open_alert(**fields) -> StockAlert | None:
    """Open an alert unless one is open already (the partial unique constraint decides,
    so concurrent evaluations open it once), and record ``stock.alert_opened`` with it: a
    warehouse's stale-data flag is its dealer's, a region's low or over stock the
    manufacturer's (no dealer)."""
    try:
        with transaction.atomic():
            alert = StockAlert.objects.create(**fields)
            warehouse = alert.warehouse
            events.record(
                "stock.alert_opened",
                {
                    "alert": alert.pk,
                    "kind": alert.kind,
                    "region": alert.region.code,
                    "sku": alert.product.sku if alert.product else None,
                    "warehouse": warehouse.code if warehouse else None,
                    "quantity": alert.quantity,
                    "days_of_cover": alert.days_of_cover,
                    "opened_at": alert.opened_at,
                },
                dealer=warehouse.dealer_id if warehouse else None,
            )
            return alert
    except IntegrityError:
        return None


def stock_alerts_evaluate(*, product_ids=None, now=None) -> AlertChanges:
    """Compare each reorder rule's region subtree with its days of cover: open ``low`` or
    ``over`` alerts once, resolve the ones whose condition no longer holds, and notify the
    region's channel managers of each newly opened alert (after commit)."""
    now = now or timezone.now()
    rules = ReorderRule.objects.select_related("product", "region")
    if product_ids is not None:
        rules = rules.filter(product_id__in=list(product_ids))
    rules = list(rules)
    changes = AlertChanges()
    if not rules:
        return changes
    rows = stock_by_region_product(
        product_ids={r.product_id for r in rules},
        region_codes={r.region.code for r in rules},
        now=now,
    )
    figures = {(row.region.code, row.product.pk): row for row in rows}
    open_alerts = {
        (a.region_id, a.product_id): a
        for a in StockAlert.objects.open().filter(
            kind__in=[StockAlert.Kind.LOW, StockAlert.Kind.OVER],
            product_id__in={r.product_id for r in rules},
            region_id__in={r.region_id for r in rules},
        )
    }
    to_resolve = []
    for rule in rules:
        row = figures.get((rule.region.code, rule.product_id))
        quantity = row.quantity if row else Decimal("0")
        cover = row.days_of_cover if row else None
        status = calculations.cover_status(
            quantity=quantity,
            cover=cover,
            min_days=rule.min_days_cover,
            max_days=rule.max_days_cover,
        )
        wanted = status if status in ("low", "over") else None
        current = open_alerts.get((rule.region_id, rule.product_id))
        if current is not None and current.kind != wanted:
            to_resolve.append(current.pk)
        if wanted and (current is None or current.kind != wanted):
            with transaction.atomic():
                if current is not None:
                    StockAlert.objects.filter(pk=current.pk).update(resolved_at=now)
                    to_resolve.remove(current.pk)
                    changes.resolved += 1
                alert = _open_alert(
                    kind=wanted,
                    region=rule.region,
                    product=rule.product,
                    quantity=quantity,
                    days_of_cover=cover,
                    opened_at=now,
                )
            if alert is not None:
                changes.opened.append(alert)
    if to_resolve:
        changes.resolved += StockAlert.objects.filter(
            pk__in=to_resolve, resolved_at__isnull=True
        ).update(resolved_at=now)
    _notify(changes.opened)
    return changes


def stock_stale_flags_evaluate(*, now=None, warehouse_ids=None) -> AlertChanges:
    """Flag active warehouses not synced within 7 days (``stale_data``, opened once) and
    resolve the flags of warehouses synced since."""
    now = now or timezone.now()
    changes = AlertChanges()
    warehouses = Warehouse.objects.select_related("region")
    if warehouse_ids is not None:
        warehouses = warehouses.filter(pk__in=list(warehouse_ids))
    stale = {w.pk: w for w in warehouses.stale(now=now)}
    open_flags = StockAlert.objects.open().filter(kind=StockAlert.Kind.STALE)
    if warehouse_ids is not None:
        open_flags = open_flags.filter(warehouse_id__in=list(warehouse_ids))
    flagged = set(open_flags.values_list("warehouse_id", flat=True))
    changes.resolved = (
        open_flags.exclude(warehouse_id__in=list(stale)).update(resolved_at=now)
        if flagged - set(stale)
        else 0
    )
    for pk, warehouse in stale.items():
        if pk in flagged:
            continue
        alert = _open_alert(
            kind=StockAlert.Kind.STALE, region=warehouse.region, warehouse=warehouse, opened_at=now
        )
        if alert is not None:
            changes.opened.append(alert)
    _notify(changes.opened)
    return changes


def _notify(alerts: list[StockAlert]) -> None:
    """Tell the region's channel managers, each in their own language."""
    for alert in alerts:
        if alert.kind == StockAlert.Kind.STALE:
            title = Message(
                gettext_noop("Stale stock data: %(warehouse)s"), warehouse=alert.warehouse.code
            )
            body = Message(
                gettext_noop("Warehouse %(warehouse)s has not been synced for 7 days."),
                warehouse=str(alert.warehouse),
            )
        else:
            title = Message(
                gettext_noop("%(kind)s: %(sku)s in %(region)s"),
                kind=Message.choice(StockAlert, "kind", alert.kind),
                sku=alert.product.sku,
                region=alert.region.code,
            )
            body = Message(
                gettext_noop("Quantity %(quantity)s, days of cover %(cover)s."),
                quantity=alert.quantity,
                cover=alert.days_of_cover,
            )
        notification_send(
            recipients=region_channel_managers(alert.region),
            kind=f"stock_{alert.kind}",
            title=title,
            body=body,
            url=f"/stock/regions/{alert.region.code}/",
        )


def stock_alerts_evaluate_periodic(*, now=None, dry_run: bool = False) -> dict:
    """Every reorder rule and every warehouse, recorded as a job run. Each part commits on
    its own; re-running is harmless (alerts open once)."""
    now = now or timezone.now()
    with job_run("evaluate_stock_alerts", params={"now": now.isoformat()}, dry_run=dry_run) as run:
        run.set_total(2)
        with transaction.atomic():
            alerts = stock_alerts_evaluate(now=now)
            if dry_run:
                transaction.set_rollback(True)
        run.advance(opened=len(alerts.opened), resolved=alerts.resolved)
        with transaction.atomic():
            stale = stock_stale_flags_evaluate(now=now)
            if dry_run:
                transaction.set_rollback(True)
        run.advance(stale_opened=len(stale.opened), stale_resolved=stale.resolved)
        return run.counts
