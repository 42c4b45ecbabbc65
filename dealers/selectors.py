"""Reads of dealer data."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Max, Q
from django.utils.translation import gettext

from dealers import calculations
from dealers.models import (
    Agreement,
    Certification,
    Dealer,
    DealerMembership,
    Territory,
    Tier,
    TierEvaluation,
)
from portal.access import roles_for
from portal.clock import manufacturer_today
from portal.models import User
from portal.periods import Quarter


def dealer_can_write(dealer: Dealer | None) -> bool:
    """Whether a dealer's users and keys may change data (DOMAIN.md §3.3): see
    :meth:`Dealer.can_write`; no dealer may not."""
    return dealer is not None and dealer.can_write()


def dealer_read_only_message(dealer: Dealer | None) -> str:
    """Why ``dealer`` may not write, translated: its state and since when
    (:meth:`Dealer.read_only_message`)."""
    if dealer is None:
        return gettext("Your dealer account is read-only in its current state.")
    return dealer.read_only_message()


def dealer_list_visible_to(who):
    return Dealer.objects.visible_to(who).select_related("tier", "region")


def region_channel_managers(region):
    """The channel managers of ``region``, or of its nearest ancestor that has any."""
    codes = region.ancestors_and_self_codes()
    rows = list(
        User.objects.filter(managed_regions__code__in=codes, is_active=True).values_list(
            "pk", "managed_regions__code"
        )
    )
    for code in reversed(codes):
        ids = [pk for pk, c in rows if c == code]
        if ids:
            return list(User.objects.filter(pk__in=ids))
    return []


def managed_region_codes(user) -> list[str] | None:
    """The codes of the regions a channel manager manages (one query); ``None`` for a
    superuser, who sees every region."""
    if user.is_superuser:
        return None
    return sorted(user.managed_regions.values_list("code", flat=True))


# --- Territories ------------------------------------------------------------------------
def exclusive_territories_covering(
    *, region, product_line_id: int, on_date: datetime.date, exclude_dealer_id: int | None = None
):
    """Exclusive grants of the product line whose region is ``region`` or one of its
    ancestors, active on ``on_date`` (DOMAIN.md §2: a sale shipped there is protected)."""
    qs = Territory.objects.filter(
        exclusive=True,
        product_line_id=product_line_id,
        region__code__in=region.ancestors_and_self_codes(),
        starts_on__lte=on_date,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on_date))
    if exclude_dealer_id is not None:
        qs = qs.exclude(dealer_id=exclude_dealer_id)
    return qs.select_related("dealer", "region", "product_line")


def territory_conflicts(
    *,
    region,
    product_line_id: int,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    exclusive: bool,
    exclude_pk: int | None = None,
):
    """Grants that would conflict with the given one (DOMAIN.md §2): same product line,
    nesting regions, meeting dates, and at least one of the two exclusive."""
    qs = Territory.objects.overlapping(
        region=region, product_line_id=product_line_id, starts_on=starts_on, ends_on=ends_on
    )
    if not exclusive:
        qs = qs.filter(exclusive=True)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("dealer", "region", "product_line").order_by("pk")


def territory_list_visible_to(who):
    return Territory.objects.visible_to(who).select_related("dealer", "region", "product_line")


# --- Agreements -------------------------------------------------------------------------
def dealer_current_agreement(*, dealer: Dealer) -> Agreement | None:
    """The active (or terminating) agreement, else the newest draft."""
    agreements = list(dealer.agreements.order_by("-starts_on", "-pk"))
    for status in (Agreement.Status.ACTIVE, Agreement.Status.TERMINATING, Agreement.Status.DRAFT):
        for agreement in agreements:
            if agreement.status == status:
                return agreement
    return agreements[0] if agreements else None


#: agreements that were or are in force (a draft never was)
LIVE_AGREEMENT_STATES = (
    Agreement.Status.ACTIVE,
    Agreement.Status.TERMINATING,
    Agreement.Status.ENDED,
)


def _agreements_overlapping(first_day: datetime.date, last_day: datetime.date):
    return Agreement.objects.filter(
        status__in=LIVE_AGREEMENT_STATES, starts_on__lte=last_day
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first_day))


def agreements_governing(
    *, dealer_ids, first_day: datetime.date, last_day: datetime.date
) -> dict[int, Agreement]:
    """The agreement whose targets govern a period (a quarter, a year) for each dealer: of
    its agreements in force at some point of the period (active, terminating or ended),
    the one that started last. The one definition of "the quarterly (annual) target" that
    reviews and threshold bonuses share. One query."""
    rows = _agreements_overlapping(first_day, last_day).filter(dealer_id__in=list(dealer_ids))
    chosen: dict[int, Agreement] = {}
    for agreement in rows.order_by("dealer_id", "starts_on", "pk"):
        chosen[agreement.dealer_id] = agreement  # the latest start wins
    return chosen


def quarterly_targets(*, dealer_ids, quarter: str | Quarter) -> dict[int, Decimal]:
    """{dealer id: the quarter's target} (see :func:`agreements_governing`)."""
    period = Quarter.parse(quarter)
    agreements = agreements_governing(
        dealer_ids=dealer_ids, first_day=period.first_day, last_day=period.last_day
    )
    return {pk: agreement.quarterly_target for pk, agreement in agreements.items()}


def annual_targets(*, dealer_ids, year: int) -> dict[int, Decimal]:
    """{dealer id: the calendar year's target} (see :func:`agreements_governing`)."""
    agreements = agreements_governing(
        dealer_ids=dealer_ids,
        first_day=datetime.date(year, 1, 1),
        last_day=datetime.date(year, 12, 31),
    )
    return {pk: agreement.annual_target for pk, agreement in agreements.items()}


def dealers_active_between(*, first_day: datetime.date, last_day: datetime.date):
    """Dealers that were dealers at some point of a period (a quarter): with an agreement
    in force during it, or ``active_since`` (set by staff for dealers imported with their
    history) on or before its last day — never by when the row was created."""
    with_agreement = _agreements_overlapping(first_day, last_day).filter(
        dealer_id=models.OuterRef("pk")
    )
    return Dealer.objects.filter(Q(models.Exists(with_agreement)) | Q(active_since__lte=last_day))


# --- Members ----------------------------------------------------------------------------
def dealer_recipients(dealer: Dealer | int | None, area: str):
    """The dealer's active users whose role covers ``area`` (``portal.access.DEALER_AREAS``):
    who gets the e-mails and notifications about it (statements → owner and finance,
    stock → owner and stock, …). ``dealer`` may be a dealer or its id; None → nobody."""
    if dealer is None:
        return User.objects.none()
    dealer_id = dealer if isinstance(dealer, int) else dealer.pk
    return User.objects.filter(
        is_active=True,
        membership__dealer_id=dealer_id,
        membership__role__in=sorted(roles_for(area)),
    ).order_by("pk")


def dealer_members(*, dealer: Dealer):
    return (
        DealerMembership.objects.filter(dealer=dealer, user__is_active=True)
        .select_related("user")
        .order_by(
            models.Case(
                models.When(role=DealerMembership.Role.OWNER, then=0),
                default=1,
                output_field=models.IntegerField(),
            ),
            "user__username",
        )
    )


# --- Certifications and tiers -----------------------------------------------------------
def _valid_certifications(*, dealer: Dealer, on_date: datetime.date):
    # Only users still working for the dealer count.
    return Certification.objects.filter(
        dealer=dealer,
        passed_on__lte=on_date,
        expires_on__gte=on_date,
        user__is_active=True,
        user__membership__dealer=dealer,
    )


def certified_user_count(*, dealer: Dealer, on_date: datetime.date, min_rank: int) -> int:
    """Dealer users holding a valid (unexpired on ``on_date``) certification at level
    rank ≥ ``min_rank``."""
    return (
        _valid_certifications(dealer=dealer, on_date=on_date)
        .filter(program__level__rank__gte=min_rank)
        .values("user_id")
        .distinct()
        .count()
    )


def certified_users_by_rank(*, dealer: Dealer, on_date: datetime.date) -> dict[int, int]:
    """{tier rank: users with a valid certification at that rank or above}, one query."""
    best = (
        _valid_certifications(dealer=dealer, on_date=on_date)
        .values("user_id")
        .annotate(rank=Max("program__level__rank"))
    )
    ranks = [row["rank"] for row in best]
    tier_ranks = Tier.objects.values_list("rank", flat=True)
    return {r: sum(1 for x in ranks if x >= r) for r in tier_ranks}


def tier_requirements() -> list[calculations.TierRequirements]:
    return [
        calculations.TierRequirements(
            code=t.code,
            rank=t.rank,
            min_certified_users=t.min_certified_users,
            min_trailing_sales=t.min_trailing_sales,
            min_score=t.min_score,
        )
        for t in Tier.objects.order_by("rank")
    ]


#: Net sales per dealer in [start, end): ``fn(*, start, end, dealer_ids) -> {dealer_id:
#: Decimal}``. Tiers (§4) are earned with sales, which a layer above records; that layer
#: provides the figure at start-up (``CommissionsConfig.ready``), so that dealers never
#: imports it.
_net_sales_source = None


def net_sales_source_register(fn) -> None:
    global _net_sales_source
    _net_sales_source = fn


def dealer_trailing_sales(*, dealer: Dealer, period: str) -> Decimal:
    """Net sales of the four quarters ending with ``period`` (months in the manufacturer's
    time zone), returns included — commissions' figure, the one statements use."""
    if _net_sales_source is None:
        raise ImproperlyConfigured("No net-sales source is registered (the commissions app).")
    quarter = Quarter.parse(period)
    start, end = (quarter - 3).bounds()[0], quarter.bounds()[1]
    totals = _net_sales_source(start=start, end=end, dealer_ids=[dealer.pk])
    return totals.get(dealer.pk, Decimal("0.00"))


def tier_progress(*, dealer: Dealer, on_date: datetime.date | None = None) -> dict:
    """Where the dealer stands: its tier, the next tier and, per requirement of the next
    tier, what is required, what the dealer has and what is missing.

    Sales and score are those of the latest evaluation (sales: the trailing four quarters
    up to the last completed one when never evaluated)."""
    on_date = on_date or manufacturer_today()
    tiers = list(Tier.objects.order_by("rank"))
    current = next(t for t in tiers if t.pk == dealer.tier_id)
    following = [t for t in tiers if t.rank > current.rank]
    latest = (
        TierEvaluation.objects.filter(dealer=dealer)
        .order_by("-period")
        .only("period", "trailing_sales", "score")
    ).first()
    if latest is not None:
        trailing_sales, score, period = latest.trailing_sales, latest.score, latest.period
    else:
        period = str(Quarter.of(on_date).previous())
        trailing_sales, score = dealer_trailing_sales(dealer=dealer, period=period), None
    figures = calculations.TierFigures(
        certified_users_by_rank=certified_users_by_rank(dealer=dealer, on_date=on_date),
        trailing_sales=trailing_sales,
        score=score,
    )
    result = {
        "tier": current,
        "next_tier": following[0] if following else None,
        "period": period,
        "figures": figures,
        "requirements": [],
        "missing": [],
    }
    if following:
        nxt = following[0]
        checks = calculations.tier_requirement_checks(
            calculations.TierRequirements(
                nxt.code, nxt.rank, nxt.min_certified_users, nxt.min_trailing_sales, nxt.min_score
            ),
            figures,
        )
        result["requirements"] = checks
        result["missing"] = [c for c in checks if not c.met]
    return result


def tier_history(*, dealer: Dealer):
    return dealer.tier_changes.select_related("from_tier", "to_tier").order_by("-changed_at")


def certification_list_visible_to(who):
    return Certification.objects.visible_to(who).select_related("dealer", "user", "program__level")


__all__ = [
    "certified_user_count",
    "dealer_can_write",
    "dealer_read_only_message",
    "dealer_recipients",
    "exclusive_territories_covering",
    "models",
    "region_channel_managers",
    "tier_progress",
]


def dealers_past_transition(*, today: datetime.date):
    """Terminating dealers whose transition period ended before ``today``."""
    return Dealer.objects.filter(
        status=Dealer.Status.TERMINATING, transition_ends_on__lt=today
    ).order_by("pk")
