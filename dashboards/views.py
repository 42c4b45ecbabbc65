"""The home page: each staff group its own work (``dashboards.homes``), a dealer its own
month."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from collaboration import selectors as collaboration_selectors
from commissions.selectors import whatif_for_dealer
from dashboards import homes
from dashboards import selectors as dashboards
from dealers.models import Dealer
from dealers.selectors import tier_progress
from portal.access import actor_from
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
    (``portal.access.DEALER_AREAS``; the template checks ``may_open`` likewise)."""
    dealer = Dealer.objects.select_related("tier", "region").get(pk=actor.dealer_id)
    now = dashboards.manufacturer_now()
    context = {"dealer": dealer}
    if actor.may("sales"):
        start, end = dashboards.period_bounds("6m", now)
        monthly = dashboards.dealer_sales_by_month(dealer=dealer, start=start, end=end)
        context.update(
            mtd_sales=dashboards.dealer_month_to_date_sales(dealer=dealer, now=now),
            monthly_sales=monthly,
            monthly_chart={
                "labels": [m for m, _v in monthly],
                "datasets": [{"label": "sales", "data": [float(v) for _m, v in monthly]}],
            },
        )
    if actor.may("statements"):
        context.update(
            whatif=whatif_for_dealer(dealer=dealer),
            latest_statement=dashboards.latest_statement(request),
        )
    if actor.may("tickets"):
        context["open_tickets"] = dashboards.dealer_open_tickets(request)
    if actor.may("stock"):
        context["stock_alerts"] = dashboards.dealer_stock_alerts(dealer=dealer)
    return context | {
        "action_items": list(
            collaboration_selectors.action_items_due(request, today=now.date(), within_days=30)[:10]
        ),
        "announcements": list(
            collaboration_selectors.announcement_list_visible_to(request, user=request.user)[:5]
        ),
        "notifications": list(notification_list_for(request.user).filter(read_at__isnull=True)[:5]),
        "review_to_acknowledge": QuarterlyReview.objects.visible_to(request)
        .filter(status="final", acknowledged_at__isnull=True)
        .order_by("-quarter")
        .first(),
        "tier_progress": tier_progress(dealer=dealer, on_date=now.date()),
    }
