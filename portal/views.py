"""Site-wide pages: home dashboard, health check."""

import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import dashboards
from portal.access import actor_from

logger = logging.getLogger(__name__)


@login_required
@require_GET
def home(request):
    """The dashboard: staff see the channel at a glance, a dealer its own month."""
    actor = actor_from(request)
    if actor.manufacturer:
        context = _staff_dashboard(request)
    elif actor.is_dealer:
        context = _dealer_dashboard(request, actor)
    else:
        context = {}
    return render(request, "portal/home.html", context)


def _staff_dashboard(request) -> dict:
    from dealers.models import Region
    from dealers.review_selectors import attainment_ranking, latest_review_quarter

    regions = list(Region.objects.filter(kind__in=["country", "province"]).order_by("code"))
    region = next((r for r in regions if r.code == request.GET.get("region")), None)
    period = request.GET.get("period")
    period = period if period in dashboards.PERIODS else dashboards.DEFAULT_PERIOD
    start, end = dashboards.period_bounds(period)
    sales = dashboards.sales_by_region_month(start=start, end=end, region=region)
    quarter = request.GET.get("quarter") or latest_review_quarter()
    top, bottom = attainment_ranking(quarter=quarter, region=region) if quarter else ([], [])
    tiers = dashboards.tier_distribution(region=region)
    region_code = region.code if region else None
    return {
        "regions": regions,
        "region": region,
        "period": period,
        "periods": list(dashboards.PERIODS),
        "sales": sales,
        "sales_chart": {
            "labels": sales["months"],
            "datasets": [
                {"label": code, "data": [float(v) for v in row.values()]}
                for code, row in sales["rows"].items()
            ],
        },
        "quarter": quarter,
        "top_dealers": top,
        "bottom_dealers": bottom,
        "tiers": tiers,
        "tier_chart": {
            "labels": [t["tier"] for t in tiers],
            "datasets": [{"label": "dealers", "data": [t["count"] for t in tiers]}],
        },
        # Other apps' panels (None until their selectors exist: the panel renders nothing).
        "escalations": dashboards.optional_panel(
            "conflicts.selectors.open_escalation_counts_by_region", region_code=region_code
        ),
        "stock_alerts": _stock_alert_totals(region_code),
    }


def _stock_alert_totals(region_code: str | None) -> dict[str, int] | None:
    """Open stock alerts per region code (all kinds together), within ``region_code``.
    inventory.selectors.stock_alert_counts_by_region(within=...) counts them per kind."""
    counts = dashboards.optional_panel(
        "inventory.selectors.stock_alert_counts_by_region", within=region_code
    )
    if counts is None:
        return None
    return {code: sum(kinds.values()) for code, kinds in sorted(counts.items())}


def _dealer_dashboard(request, actor) -> dict:
    from dealers.models import Dealer
    from dealers.review_models import QuarterlyReview
    from portal import selectors

    dealer = Dealer.objects.select_related("tier", "region").get(pk=actor.dealer_id)
    now = dashboards.manufacturer_now()
    start, end = dashboards.period_bounds("6m", now)
    monthly = dashboards.dealer_sales_by_month(dealer=dealer, start=start, end=end)
    return {
        "dealer": dealer,
        "mtd_sales": dashboards.dealer_month_to_date_sales(dealer=dealer, now=now),
        "monthly_sales": monthly,
        "monthly_chart": {
            "labels": [m for m, _v in monthly],
            "datasets": [{"label": "sales", "data": [float(v) for _m, v in monthly]}],
        },
        "action_items": list(
            selectors.action_items_due(request, today=now.date(), within_days=30)[:10]
        ),
        "announcements": list(
            selectors.announcement_list_visible_to(request, user=request.user)[:5]
        ),
        "notifications": list(
            selectors.notification_list_for(request.user).filter(read_at__isnull=True)[:5]
        ),
        "review_to_acknowledge": QuarterlyReview.objects.visible_to(request)
        .filter(status="final", acknowledged_at__isnull=True)
        .order_by("-quarter")
        .first(),
        # WIRED AT MERGE: dealers.selectors.tier_progress(dealer=...) -> dict
        "tier_progress": dashboards.optional_panel(
            "dealers.selectors.tier_progress", dealer=dealer
        ),
    }


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness: the database and the Celery broker must answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        logger.exception("healthz: database check failed")
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        from portal.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:
        logger.exception("healthz: broker check failed")
        checks["broker"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
