"""Reads of deal registrations, scoped with ``visible_to``, and the matching queries of
DOMAIN.md §12 (same customer, exclusive territories, similar names, duplicate hints).

Similar names: PostgreSQL's ``pg_trgm`` (``similarity() ≥ 0.6``; the ``%`` operator lets
the GIN trigram index of migration 0002 pick the candidates). On SQLite (``make run``
without PostgreSQL) the province's live registrations are compared in Python with
difflib's ratio and the same threshold (:func:`deals.calculations.name_similarity`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, Prefetch, Q, Value

from dealers.models import Dealer
from dealers.selectors import exclusive_territories_covering
from deals import calculations
from deals.models import DealMatch, DealRegistration

S = DealRegistration.Status


def registration_list_visible_to(who):
    return (
        DealRegistration.objects.visible_to(who)
        .select_related("dealer", "customer_region", "province")
        .prefetch_related("product_lines")
    )


def registration_detail_visible_to(who):
    return registration_list_visible_to(who).prefetch_related(
        Prefetch(
            "matches",
            queryset=DealMatch.objects.select_related(
                "other__dealer",
                "other__customer_region",
                "territory__region",
                "territory__product_line",
                "other_dealer",
            ).prefetch_related("other__product_lines"),
        )
    )


# --- matching ---------------------------------------------------------------------------


def _others(registration: DealRegistration, *, line_ids, today: dt.date):
    """Other dealers' live registrations for an overlapping product line."""
    return (
        DealRegistration.objects.live(today=today)
        .exclude(dealer_id=registration.dealer_id)
        .exclude(pk=registration.pk)
        .filter(product_lines__in=list(line_ids))
        .distinct()
    )


def same_customer_q(registration: DealRegistration) -> Q:
    """The same customer (§12): the same credit code, the same normalised name in the same
    province, or the same corporate e-mail domain (free-mail domains are never stored)."""
    same = Q(province_id=registration.province_id, customer_name_key=registration.customer_name_key)
    if registration.customer_credit_code:
        same |= Q(customer_credit_code=registration.customer_credit_code)
    if registration.customer_domain:
        same |= Q(customer_domain=registration.customer_domain)
    return same


def same_customer_registrations(registration, *, line_ids, today) -> list[DealRegistration]:
    """Other dealers' live registrations of the same customer, earliest first."""
    return list(
        _others(registration, line_ids=line_ids, today=today)
        .filter(same_customer_q(registration))
        .order_by("submitted_at", "pk")
    )


def match_reasons(registration: DealRegistration, other: DealRegistration) -> list[str]:
    reasons = []
    if registration.customer_credit_code and (
        registration.customer_credit_code == other.customer_credit_code
    ):
        reasons.append(DealMatch.Reason.CREDIT_CODE.value)
    if (
        registration.province_id == other.province_id
        and registration.customer_name_key == other.customer_name_key
    ):
        reasons.append(DealMatch.Reason.NAME.value)
    if registration.customer_domain and registration.customer_domain == other.customer_domain:
        reasons.append(DealMatch.Reason.EMAIL_DOMAIN.value)
    return reasons


def exclusive_territories_for(registration, *, line_ids, on_date) -> list:
    """Exclusive territories of other dealers covering the customer's region for one of the
    product lines on ``on_date`` (§2), each once."""
    found = {}
    for line_id in sorted(line_ids):
        for territory in exclusive_territories_covering(
            region=registration.customer_region,
            product_line_id=line_id,
            on_date=on_date,
            exclude_dealer_id=registration.dealer_id,
        ):
            found.setdefault(territory.pk, territory)
    return [found[pk] for pk in sorted(found)]


class TrigramMatch(Func):
    """``a % b`` of pg_trgm: similar at the extension's threshold (0.3 by default), which
    the GIN trigram index answers; the exact threshold is then applied to ``similarity``."""

    template = "%(expressions)s"
    arg_joiner = " %% "
    output_field = BooleanField()


def _similar_sql(candidates, name: str):
    similarity = Func(
        F("customer_name_key"), Value(name), function="similarity", output_field=FloatField()
    )
    return (
        candidates.filter(TrigramMatch(F("customer_name_key"), Value(name)))
        .annotate(similarity=similarity)
        .filter(similarity__gte=calculations.SIMILARITY_THRESHOLD)
    )


def similar_names(candidates, name: str) -> list[tuple[DealRegistration, float]]:
    """``candidates`` (a queryset) whose normalised name is similar to ``name``, most
    similar first: pg_trgm on PostgreSQL, difflib elsewhere (same threshold)."""
    if not name:
        return []
    if connection.vendor == "postgresql":
        rows = [(row, row.similarity) for row in _similar_sql(candidates, name)]
    else:
        rows = [
            (row, calculations.name_similarity(name, row.customer_name_key)) for row in candidates
        ]
        rows = [(row, s) for row, s in rows if s >= calculations.SIMILARITY_THRESHOLD]
    return sorted(rows, key=lambda pair: (-pair[1], pair[0].submitted_at, pair[0].pk))


def similar_name_registrations(registration, *, line_ids, today):
    """Other dealers' live registrations in the province with a similar (not the same)
    normalised name."""
    candidates = (
        _others(registration, line_ids=line_ids, today=today)
        .filter(province_id=registration.province_id)
        .exclude(customer_name_key=registration.customer_name_key)
    )
    return similar_names(candidates, registration.customer_name_key)


def protected_holder(registration: DealRegistration, *, today) -> DealRegistration | None:
    """Another dealer's approved registration of the same customer that still protects it,
    for an overlapping product line (approving this one would break "first to register
    wins")."""
    line_ids = list(registration.product_lines.values_list("pk", flat=True))
    return (
        DealRegistration.objects.filter(status=S.APPROVED, protected_until__gte=today)
        .exclude(dealer_id=registration.dealer_id)
        .filter(product_lines__in=line_ids)
        .filter(same_customer_q(registration))
        .order_by("protected_until", "pk")
        .first()
    )


# --- duplicate hints while typing (the dealer's register page) ----------------------------


@dataclass(frozen=True)
class Hints:
    """What a dealer may learn while typing a customer's name: its own registrations of
    that customer (or a similar name), and only whether another dealer holds the same or a
    similar one — never who, nor anything of that registration."""

    own: list
    others_same: bool
    others_similar: bool


HINT_LIMIT = 5


def registration_hints(*, dealer: Dealer, name: str, province=None, today) -> Hints:
    key = calculations.normalise_name(name)
    if len(key) < 2:
        return Hints([], False, False)
    own_rows = DealRegistration.objects.filter(dealer=dealer).exclude(
        status__in=[S.REJECTED, S.LOST, S.EXPIRED]
    )
    if province is not None:
        own_rows = own_rows.filter(province=province)
    exact = list(own_rows.filter(customer_name_key=key).order_by("-submitted_at")[:HINT_LIMIT])
    similar = [row for row, _s in similar_names(own_rows.exclude(customer_name_key=key), key)]
    others = DealRegistration.objects.live(today=today).exclude(dealer=dealer)
    if province is not None:
        others = others.filter(province=province)
    others_same = others.filter(customer_name_key=key).exists()
    others_similar = not others_same and bool(
        similar_names(others.exclude(customer_name_key=key), key)
    )
    return Hints((exact + similar)[:HINT_LIMIT], others_same, others_similar)


# --- money (commissions ingest) ---------------------------------------------------------


def registrations_by_number(*, dealer_ids, numbers) -> dict[tuple[int, str], DealRegistration]:
    """{(dealer id, number): registration} of those dealers (another dealer's number is
    simply absent). One query."""
    numbers = {n for n in numbers if n}
    if not numbers:
        return {}
    rows = DealRegistration.objects.filter(dealer_id__in=list(dealer_ids), number__in=numbers)
    return {(row.dealer_id, row.number): row for row in rows}


def conflict_matches(*, registration_id: int) -> list[DealMatch]:
    """The conflicts found for a registration on submit (for the tickets they open)."""
    return list(
        DealMatch.objects.filter(registration_id=registration_id, kind=DealMatch.Kind.CONFLICT)
        .select_related(
            "registration__dealer__tier",
            "registration__customer_region",
            "other__dealer",
            "territory__region",
            "other_dealer",
        )
        .order_by("pk")
    )
