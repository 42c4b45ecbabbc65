"""Reads of tickets, calendars and SLA figures."""

from __future__ import annotations

import statistics
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Count, F, Prefetch, Q, Value, When
from django.utils import timezone

from conflicts import calculations
from conflicts.models import (
    BusinessCalendar,
    PauseInterval,
    RegionCalendar,
    SlaPolicy,
    Ticket,
    TicketComment,
)
from dealers.models import Dealer, Territory

# --- calendars and policies -------------------------------------------------------------


def calendar_for_region(region) -> BusinessCalendar | None:
    """The region's calendar, else the nearest ancestor's, else the default calendar."""
    codes = region.ancestors_and_self_codes() if region is not None else []
    links = {
        link.region.code: link.calendar
        for link in RegionCalendar.objects.filter(region__code__in=codes).select_related(
            "region", "calendar"
        )
    }
    for code in reversed(codes):
        if code in links:
            return links[code]
    return BusinessCalendar.objects.filter(is_default=True).first()


def calendar_as_calculation(calendar: BusinessCalendar | None) -> calculations.Calendar:
    """The pure-calculation form of a calendar (None: 24x7)."""
    if calendar is None:
        return calculations.Calendar.twenty_four_seven()
    weekly: dict[int, list] = {}
    for interval in calendar.intervals.all():
        weekly.setdefault(interval.weekday, []).append(
            calculations.DayInterval.from_times(interval.start, interval.end)
        )
    return calculations.Calendar(
        time_zone=calendar.time_zone,
        weekly={day: tuple(items) for day, items in weekly.items()},
        holidays=frozenset(h.day for h in calendar.holidays.all()),
        makeup_days={m.day: m.works_as for m in calendar.makeup_days.all()},
    )


def policy_for(*, category: str, priority: str) -> SlaPolicy | None:
    """The policy for (category, priority), else the priority's fallback (blank category)."""
    rows = {
        p.category: p
        for p in SlaPolicy.objects.filter(
            Q(category=category) | Q(category=""), priority=priority
        ).prefetch_related("steps")
    }
    return rows.get(category) or rows.get("")


# --- tickets ------------------------------------------------------------------------------


def sla_state_annotation(now: datetime):
    """``sla_state`` as SQL, for filters and queues (same rules as ``Ticket.sla_state_at``)."""
    S, St = Ticket.SlaState, Ticket.Status
    done = Q(status__in=[St.RESOLVED, St.CLOSED])
    breached = (
        Q(first_response_at__isnull=True, first_response_due__lte=now)
        | Q(resolution_due__lte=now)
        | Q(first_response_at__gt=F("first_response_due"))
    )
    return Case(
        When(
            done
            & (Q(resolved_within_target=False) | Q(first_response_at__gt=F("first_response_due"))),
            then=Value(S.BREACHED),
        ),
        When(done, then=Value(S.MET)),
        When(breached, then=Value(S.BREACHED)),
        When(status=St.WAITING_ON_DEALER, then=Value(S.PAUSED)),
        When(warning_at__lte=now, then=Value(S.AT_RISK)),
        default=Value(S.ON_TRACK),
        output_field=CharField(),
    )


def ticket_list_visible_to(who, *, now: datetime | None = None):
    now = now or timezone.now()
    return (
        Ticket.objects.visible_to(who)
        .select_related("dealer", "counterparty", "region", "assignee")
        .annotate(current_sla_state=sla_state_annotation(now))
    )


def ticket_comments_visible_to(who, ticket):
    return TicketComment.objects.visible_to(who).filter(ticket=ticket).select_related("author")


def ticket_pauses(ticket) -> list[tuple]:
    return [(p.started_at, p.ended_at) for p in ticket.pauses.all()]


def ticket_sla_explanation(ticket, *, now: datetime | None = None) -> dict:
    """How the ticket's due times were computed (open minutes used, paused minutes, closed
    days skipped), for the ticket page and the API."""
    now = now or timezone.now()
    snapshot = ticket.policy_snapshot or {}
    if not snapshot:
        return {}
    calendar = calendar_as_calculation(
        None if snapshot.get("calendar") == "24x7" else ticket.calendar
    )
    pauses = ticket_pauses(ticket)
    result = {}
    for key, minutes in (
        ("first_response", snapshot["first_response_minutes"]),
        ("resolution", snapshot["resolution_minutes"]),
    ):
        upto = now
        if key == "first_response" and ticket.first_response_at:
            upto = ticket.first_response_at
        if key == "resolution" and ticket.resolved_at and not ticket.is_running:
            upto = ticket.resolved_at
        explanation = calculations.explain_due(
            ticket.opened_at, minutes, calendar, pauses, now=upto
        )
        result[key] = {
            "target_minutes": minutes,
            "unit": "calendar" if calendar.always_open else "business",
            "time_zone": calendar.time_zone,
            "open_minutes_used": explanation.open_minutes_used,
            "paused_minutes": explanation.paused_minutes,
            "closed_days_skipped": [d.isoformat() for d in explanation.closed_days_skipped],
            "computed_due": explanation.due,
            "retargeted_at": ticket.sla_reset_at,
        }
    return result


# --- metrics (DOMAIN.md §7.5) ---------------------------------------------------------------


def _median(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return Decimal(statistics.median(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def sla_metrics_by_dealer(
    *, start: datetime, end: datetime, dealer_ids: list[int] | None = None
) -> dict[int, dict]:
    """Per raising dealer, for tickets opened in ``[start, end)``: ``tickets_raised``,
    ``resolved_within_target_share`` (share of the tickets whose outcome is known — resolved,
    or unresolved past the resolution due time — that were resolved within target; None when
    none), ``median_first_response_minutes`` and ``median_resolution_minutes`` (SLA minutes
    on the ticket's calendar, pauses excluded; None when none)."""
    now = timezone.now()
    qs = Ticket.objects.filter(opened_at__gte=start, opened_at__lt=end)
    if dealer_ids is not None:
        qs = qs.filter(dealer_id__in=list(dealer_ids))
    rows = qs.values_list(
        "dealer_id",
        "resolved_within_target",
        "resolution_due",
        "first_response_sla_minutes",
        "resolution_sla_minutes",
        "status",
    )
    figures: dict[int, dict] = {}
    for dealer_id, within, due, fr_minutes, res_minutes, status in rows:
        item = figures.setdefault(dealer_id, {"n": 0, "known": 0, "met": 0, "fr": [], "res": []})
        item["n"] += 1
        resolved = status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
        if resolved and within is not None:
            item["known"] += 1
            item["met"] += 1 if within else 0
        elif not resolved and due is not None and due <= now:
            item["known"] += 1
        if fr_minutes is not None:
            item["fr"].append(fr_minutes)
        if resolved and res_minutes is not None:
            item["res"].append(res_minutes)
    result = {}
    for dealer_id in dealer_ids if dealer_ids is not None else figures:
        item = figures.get(dealer_id, {"n": 0, "known": 0, "met": 0, "fr": [], "res": []})
        share = None
        if item["known"]:
            share = (Decimal(item["met"]) / Decimal(item["known"])).quantize(
                Decimal("0.0001"), rounding=ROUND_HALF_UP
            )
        result[dealer_id] = {
            "tickets_raised": item["n"],
            "resolved_within_target_share": share,
            "median_first_response_minutes": _median(item["fr"]),
            "median_resolution_minutes": _median(item["res"]),
        }
    return result


OPEN_STATUSES = (
    Ticket.Status.OPEN,
    Ticket.Status.IN_PROGRESS,
    Ticket.Status.WAITING_ON_DEALER,
)


def _region_subtree(region_code: str | None, prefix: str = "region__code") -> Q:
    if not region_code:
        return Q()
    return Q(**{prefix: region_code}) | Q(**{f"{prefix}__startswith": region_code + "-"})


def open_escalation_counts_by_region(*, region_code: str | None = None) -> dict[str, int]:
    """Open (not resolved or closed) escalated (level > 0) tickets per ticket region code,
    e.g. ``{"CN-GD-SZ": 2}`` (the staff dashboard); ``region_code`` limits to that region's
    subtree. One query (``ticket_status_group_idx`` on the status)."""
    rows = (
        Ticket.objects.filter(status__in=OPEN_STATUSES, escalation_level__gt=0)
        .filter(_region_subtree(region_code))
        .values_list("region__code")
        .annotate(n=Count("pk"))
        .order_by("region__code")
    )
    return dict(rows)


SLA_STATE_ORDER = ("breached", "at_risk", "on_track", "paused")  # most urgent first


def open_ticket_counts_by_sla_state(tickets) -> dict[str, int]:
    """``{state: n}`` of ``tickets`` (a ``ticket_list_visible_to`` queryset already limited
    to open tickets), every state of ``SLA_STATE_ORDER`` present (one query; an index-only
    scan of ``ticket_open_sla_idx``)."""
    counts = dict(tickets.values_list("current_sla_state").annotate(n=Count("pk")).order_by())
    return {state: counts.get(state, 0) for state in SLA_STATE_ORDER}


def open_tickets_most_urgent(tickets, *, counts: dict[str, int], limit: int) -> list:
    """The first ``limit`` of ``tickets`` (open, annotated with the SLA state) by SLA state
    in ``SLA_STATE_ORDER``, then resolution due (none last), then pk; ``counts``: what
    ``open_ticket_counts_by_sla_state`` gave for the same tickets.

    The state depends on the time, so no index orders by it: one query per state that
    still has rows to give, each reading ``ticket_open_due_idx`` in due order and stopping
    after the rows the counts say it will find (at most four queries, whatever the number
    of tickets; one when the most urgent state fills the page)."""
    rows: list = []
    order = (F("resolution_due").asc(nulls_last=True), "pk")
    for state in SLA_STATE_ORDER:
        wanted = min(counts.get(state, 0), limit - len(rows))
        if wanted > 0:
            rows += tickets.filter(current_sla_state=state).order_by(*order)[:wanted]
    return rows


def my_queue(user, *, groups: set[str] | None = None) -> Q:
    """ "My queue": the not-done tickets of ``user``'s staff groups' queues or assigned to
    ``user`` (a superuser's groups are all of them; ``groups``: the user's, when already
    read). The admin's queue and the support and legal homes show it."""
    running = Q(status__in=OPEN_STATUSES)
    if user.is_superuser:
        return running
    if groups is None:
        groups = set(user.groups.values_list("name", flat=True))
    return running & (Q(assignee=user) | Q(group__in=sorted(groups)))


def ticket_detail_queryset(who, *, now: datetime | None = None):
    """The tickets ``who`` may see, ready for one ticket's page or API detail: the list's
    joins and SLA state, plus the pause ledger in order (used by the SLA explanation)."""
    return ticket_list_visible_to(who, now=now).prefetch_related(
        Prefetch("pauses", queryset=PauseInterval.objects.order_by("started_at"))
    )


# --- counter-parties -----------------------------------------------------------------------


def ticket_counterparty_choices(dealer):
    """The dealers that ``dealer`` may name as a channel ticket's counter-party: those of its
    region (a home region or current territory that overlaps one of its own: equal, or one
    inside the other, as DOMAIN.md §2 counts overlaps) and those it already has a ticket
    with. Naming any other code reveals nothing about it (``ticket_counterparty_resolve``)."""
    today = timezone.localdate()
    codes = {dealer.region.code} | set(
        Territory.objects.filter(dealer=dealer)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("region__code", flat=True)
    )
    current = Q(territories__ends_on__isnull=True) | Q(territories__ends_on__gte=today)
    region = Q()
    for code in codes:
        parts = code.split("-")
        around = ["-".join(parts[: i + 1]) for i in range(len(parts))]  # it and its ancestors
        region |= Q(region__code__in=around) | Q(region__code__startswith=code + "-")
        region |= current & (
            Q(territories__region__code__in=around)
            | Q(territories__region__code__startswith=code + "-")
        )
    in_conflict = Q(
        pk__in=Ticket.objects.filter(dealer=dealer, counterparty__isnull=False).values(
            "counterparty_id"
        )
    ) | Q(pk__in=Ticket.objects.filter(counterparty=dealer).values("dealer_id"))
    return (
        Dealer.objects.filter(region | in_conflict)
        .exclude(pk=dealer.pk)
        .exclude(status=Dealer.Status.TERMINATED)
        .distinct()
    )


# --- tickets about an object (disputes) ------------------------------------------------------


def tickets_about(*, who, objects) -> list[dict]:
    """The tickets ``who`` may see whose subject (``subject_type``/``subject_id``) is one of
    ``objects``, newest first, each with the object it is about: ``[{"ticket", "subject"}]``.
    One query (content types are cached)."""
    objects = [obj for obj in objects if obj is not None and obj.pk is not None]
    if not objects:
        return []
    by_key, ids_by_type = {}, {}
    for obj in objects:
        content_type = ContentType.objects.get_for_model(type(obj))
        by_key[(content_type.pk, obj.pk)] = obj
        ids_by_type.setdefault(content_type.pk, []).append(obj.pk)
    condition = Q(pk__in=[])
    for type_id, ids in ids_by_type.items():
        condition |= Q(subject_type_id=type_id, subject_id__in=ids)
    tickets = Ticket.objects.visible_to(who).filter(condition).order_by("-pk")
    return [
        {"ticket": t, "subject": by_key.get((t.subject_type_id, t.subject_id))} for t in tickets
    ]
