"""The home page: each staff group its own work (``dashboards.homes``), a dealer its own
month."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from collaboration import selectors as collaboration_selectors
from commissions.selectors import whatif_for_dealer, whatif_reads
from dashboards import homes
from dashboards import selectors as dashboards
from dealers.selectors import tier_progress, tier_progress_reads
from portal.access import actor_from
from portal.batch import fetch_together
from portal.clock import manufacturer_now
from portal.selectors import notification_list_for
from reviews.models import QuarterlyReview


@login_required
@require_GET
def home(request):
    """The dashboard: staff see the channel at a glance, a dealer its own month."""
    actor = actor_from(request)
    if actor.manufacturer:
        context = homes.home_context(request)
    elif actor.is_dealer:
        context = _dealer_dashboard(request, actor)
    else:
        context = {}
    return render(request, "portal/home.html", context)


def _dealer_dashboard(request, actor) -> dict:
    """The dealer's home: only the panels of the areas the user's role opens
    (``portal.access.DEALER_AREAS``; the template checks ``may_open`` likewise).

    Each panel's app gives its reads as querysets, unevaluated; they are read together in
    one query (``portal.batch.fetch_together``), then each app computes its panel from its
    rows. The dealer, its tier and region come with the user's membership."""
    dealer = actor.dealer
    now = manufacturer_now()
    today = now.date()
    reads = {
        "action_items": collaboration_selectors.action_items_due(
            request, today=today, within_days=30
        )[:10],
        "announcements": collaboration_selectors.announcement_list_visible_to(
            request, user=request.user
        )[:5],
        "notifications": notification_list_for(request.user).filter(read_at__isnull=True)[:5],
        "review_to_acknowledge": QuarterlyReview.objects.visible_to(request)
        .filter(status="final", acknowledged_at__isnull=True)
        .order_by("-quarter")[:1],
        **_prefixed("tier_", tier_progress_reads(dealer=dealer, on_date=today)),
    }
    if actor.may("sales"):
        start, end = dashboards.period_bounds("6m", now)
        reads["monthly_sales"] = dashboards.dealer_sales_by_month(
            dealer=dealer, start=start, end=end
        )
        reads["mtd_sales"] = dashboards.dealer_month_to_date_sales(dealer=dealer, now=now)
    if actor.may("statements"):
        reads.update(_prefixed("whatif_", whatif_reads(dealer=dealer, now=now)))
        reads["latest_statement"] = dashboards.latest_statement(request)
    if actor.may("tickets"):
        reads["open_tickets"] = dashboards.dealer_open_tickets(request)
    if actor.may("stock"):
        reads["stock_alerts"] = dashboards.dealer_stock_alerts(dealer=dealer)
    rows = fetch_together(**reads)

    context = {
        "dealer": dealer,
        "action_items": rows["action_items"],
        "announcements": rows["announcements"],
        "notifications": rows["notifications"],
        "review_to_acknowledge": _first(rows["review_to_acknowledge"]),
        "tier_progress": tier_progress(
            dealer=dealer, on_date=today, rows=_unprefixed("tier_", rows)
        ),
    }
    if actor.may("sales"):
        monthly = dashboards.dealer_monthly_totals(rows["monthly_sales"], start=start, end=end)
        context.update(
            mtd_sales=dashboards.dealer_month_to_date_total(rows["mtd_sales"]),
            monthly_sales=monthly,
            monthly_chart={
                "labels": [m for m, _v in monthly],
                "datasets": [{"label": "sales", "data": [float(v) for _m, v in monthly]}],
            },
        )
    if actor.may("statements"):
        context.update(
            whatif=whatif_for_dealer(dealer=dealer, now=now, rows=_unprefixed("whatif_", rows)),
            latest_statement=_first(rows["latest_statement"]),
        )
    if actor.may("tickets"):
        context["open_tickets"] = rows["open_tickets"]
    if actor.may("stock"):
        context["stock_alerts"] = rows["stock_alerts"]
    return context


def _prefixed(prefix: str, reads: dict) -> dict:
    return {prefix + key: queryset for key, queryset in reads.items()}


def _unprefixed(prefix: str, rows: dict) -> dict:
    return {key[len(prefix) :]: value for key, value in rows.items() if key.startswith(prefix)}


def _first(rows: list):
    return rows[0] if rows else None
