"""The reads behind each staff group's home sections (``dashboards.homes``). Each takes the
request and returns the context its template needs, in a constant number of queries
(indexes: statements by ``(status, period)``, tickets by ``(status, group)``, applications
by status, stock alerts by region)."""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, Q, Value, When

from commissions.selectors import statement_list_visible_to
from conflicts.models import Ticket
from conflicts.selectors import OPEN_STATUSES, my_queue, ticket_list_visible_to
from dashboards import selectors as dashboards
from dealers import selectors as dealer_selectors
from dealers.models import Application, Region
from deals.models import DealRegistration
from deals.selectors import registration_list_visible_to
from inventory.models import StockAlert
from mdf.selectors import claims_to_decide
from portal.clock import manufacturer_now
from portal.periods import Quarter
from portal.roles import STAFF_GROUPS
from pricing.discipline import discipline_context
from pricing.selectors import promotions_to_decide
from reviews.selectors import attainment_ranking, latest_review_quarter

ROWS = 15  # rows per list section; the section links to the full list


def staff_groups(user) -> set[str]:
    """The staff groups whose home ``user`` sees (a superuser sees every group's)."""
    if user.is_superuser:
        return set(STAFF_GROUPS)
    if not hasattr(user, "_staff_groups"):  # one query per request
        user._staff_groups = set(user.groups.values_list("name", flat=True))
    return user._staff_groups


def _subtree(codes: list[str], field: str) -> Q:
    """Rows whose ``field`` (a region code) is one of ``codes`` or below one of them."""
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(**{field: code}) | Q(**{f"{field}__startswith": code + "-"})
    return q


def managed_region_codes(request) -> list[str] | None:
    """The codes of the regions the channel manager manages; ``None`` for a superuser
    (every region)."""
    if request.user.is_superuser:
        return None
    if not hasattr(request, "_managed_region_codes"):  # one query for the three sections
        request._managed_region_codes = dealer_selectors.managed_region_codes(request.user)
    return request._managed_region_codes


# --- finance ----------------------------------------------------------------------------------


def statements_to_approve(request) -> dict:
    """Draft statements, oldest month first (two queries: the rows and the count)."""
    drafts = statement_list_visible_to(request).filter(status="draft")
    return {
        "statements_to_approve": list(
            drafts.select_related("dealer").order_by("period", "dealer__code")[:ROWS]
        ),
        "statements_to_approve_count": drafts.count(),
    }


def mdf_claims(request) -> dict:
    """Marketing-fund claims waiting for finance, oldest first (one query)."""
    return {"mdf_claims_to_decide": claims_to_decide(request, limit=ROWS)}


# --- support and legal --------------------------------------------------------------------------

_STATE_ORDER = {"breached": 0, "at_risk": 1, "on_track": 2, "paused": 3}


def ticket_queue(request) -> dict:
    """Open tickets in the user's groups' queues or assigned to the user: breached first,
    then at risk, then by resolution due (two queries: the rows and the counts by state)."""
    tickets = ticket_list_visible_to(request).filter(
        my_queue(request.user, groups=staff_groups(request.user))
    )
    rank = Case(
        *[When(current_sla_state=state, then=Value(n)) for state, n in _STATE_ORDER.items()],
        default=Value(9),
        output_field=IntegerField(),
    )
    rows = list(
        tickets.annotate(state_rank=rank).order_by(
            "state_rank", F("resolution_due").asc(nulls_last=True), "pk"
        )[:ROWS]
    )
    counts = dict(tickets.values_list("current_sla_state").annotate(n=Count("pk")).order_by())
    return {
        "queue_tickets": rows,
        "queue_counts": {state: counts.get(state, 0) for state in _STATE_ORDER},
        "queue_total": sum(counts.values()),
    }


# --- channel managers -------------------------------------------------------------------------


def region_applications(request) -> dict:
    """Pending applications requesting a region the manager manages, oldest first (three
    queries: regions, rows, their requested regions)."""
    codes = managed_region_codes(request)
    pending = Application.objects.visible_to(request).pending()
    if codes is not None:
        pending = pending.filter(
            pk__in=Application.requested_regions.through.objects.filter(
                _subtree(codes, "region__code")
            ).values("application_id")
        )
    rows = list(pending.order_by("submitted_at", "pk").prefetch_related("requested_regions")[:ROWS])
    return {"managed_regions": codes, "region_applications": rows}


def region_stock_alerts(request) -> dict:
    """Open stock alerts of the manager's regions, per region and kind (two queries)."""
    codes = managed_region_codes(request)
    alerts = StockAlert.objects.open()
    if codes is not None:
        alerts = alerts.filter(_subtree(codes, "region__code"))
    table: dict[str, dict[str, int]] = {}
    for code, kind, n in (
        alerts.values_list("region__code", "kind").annotate(n=Count("pk")).order_by()
    ):
        table.setdefault(code, dict.fromkeys(StockAlert.Kind.values, 0))[kind] = n
    return {"managed_regions": codes, "region_stock_alerts": sorted(table.items())}


def region_conflicts(request) -> dict:
    """Open channel conflicts and escalated tickets in the manager's regions, most urgent
    first (two queries)."""
    codes = managed_region_codes(request)
    tickets = ticket_list_visible_to(request).filter(status__in=OPEN_STATUSES)
    tickets = tickets.filter(Q(category="channel") | Q(escalation_level__gt=0))
    if codes is not None:
        tickets = tickets.filter(_subtree(codes, "region__code"))
    rows = list(tickets.order_by(F("resolution_due").asc(nulls_last=True), "pk")[:ROWS])
    return {"managed_regions": codes, "region_conflicts": rows}


def region_deals(request) -> dict:
    """Deal registrations of customers in the manager's regions waiting for a decision
    (submitted, conflict, under review, or an extension asked), oldest first (two queries:
    the rows, their product lines)."""
    codes = managed_region_codes(request)
    waiting = registration_list_visible_to(request).filter(
        Q(status__in=DealRegistration.OPEN_STATUSES)
        | Q(status=DealRegistration.Status.APPROVED, extension=DealRegistration.Extension.REQUESTED)
    )
    if codes is not None:
        waiting = waiting.filter(_subtree(codes, "customer_region__code"))
    rows = list(waiting.order_by("submitted_at", "pk")[:ROWS])
    return {"managed_regions": codes, "region_deals": rows}


def region_promotions(request) -> dict:
    """Local promotions in the manager's regions waiting for a decision (outside a range of
    their campaign), oldest first (two queries: the rows, their regions)."""
    codes = managed_region_codes(request)
    rows = list(promotions_to_decide(request, region_codes=codes)[:ROWS])
    return {"managed_regions": codes, "region_promotions": rows}


def price_discipline(request) -> dict:
    """The month's price discipline (pricing): a channel manager's regions, everywhere for
    an executive (two queries)."""
    everywhere = "executive" in staff_groups(request.user)
    codes = None if everywhere else managed_region_codes(request)
    return discipline_context(request, region_codes=codes)


# --- executives ------------------------------------------------------------------------------


def sla_compliance(request) -> dict:
    """Channel-wide SLA compliance this quarter (tickets resolved in it within target ÷
    tickets resolved in it) and the open tickets by SLA state now (two queries)."""
    quarter = Quarter.current(manufacturer_now())
    start, end = quarter.bounds()
    resolved = Ticket.objects.filter(
        resolved_at__gte=start, resolved_at__lt=end, resolved_within_target__isnull=False
    ).aggregate(total=Count("pk"), met=Count("pk", filter=Q(resolved_within_target=True)))
    open_counts = dict(
        ticket_list_visible_to(request)
        .filter(status__in=OPEN_STATUSES)
        .values_list("current_sla_state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = resolved["total"]
    return {
        "sla_quarter": str(quarter),
        "sla_resolved": total,
        "sla_met": resolved["met"],
        "sla_compliance": (resolved["met"] / total) if total else None,
        "sla_open": {state: open_counts.get(state, 0) for state in _STATE_ORDER},
    }


def overview(request) -> dict:
    """The channel at a glance: sales by region and month, tiers, attainment, open
    escalations and stock alerts by region, with the region and period filters."""
    regions = list(Region.objects.filter(kind__in=["country", "province"]).order_by("code"))
    region = next((r for r in regions if r.code == request.GET.get("region")), None)
    period = request.GET.get("period")
    period = period if period in dashboards.PERIODS else dashboards.DEFAULT_PERIOD
    start, end = dashboards.period_bounds(period)
    sales = dashboards.sales_by_region_month(start=start, end=end, region=region)
    quarter = request.GET.get("quarter") or latest_review_quarter()
    top, bottom = attainment_ranking(quarter=quarter, region=region) if quarter else ([], [])
    tiers = dashboards.tier_distribution(region=region)
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
        "escalations": dashboards.open_escalations(region=region),
        "stock_alerts": dashboards.stock_alert_rows(region=region),
    }
