"""Marketing-fund reads (DOMAIN.md §14)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from mdf.models import Claim, ClaimProof, Fund, FundRequest, Movement
from portal.access import Actor

ZERO = Decimal("0.00")
K = Movement.Kind


def _sum(kind: str):
    return Coalesce(
        Sum("movements__amount", filter=Q(movements__kind=kind)),
        Value(ZERO),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def fund_list_visible_to(who):
    """Funds with their totals per kind (one query, whatever the number of funds)."""
    return (
        Fund.objects.visible_to(who)
        .select_related("dealer")
        .annotate(
            accrued=_sum(K.ACCRUAL),
            allocated=_sum(K.ALLOCATION),
            reserved_total=_sum(K.RESERVATION),
            released=_sum(K.RELEASE),
            paid=_sum(K.PAYMENT),
            expired=_sum(K.EXPIRY),
        )
        .order_by("dealer__code")
    )


@dataclass(frozen=True)
class Balance:
    available: Decimal
    reserved: Decimal
    accrued: Decimal
    allocated: Decimal
    paid: Decimal
    expired: Decimal


def balance_of(dealer) -> Balance:
    fund = fund_list_visible_to_all().filter(dealer=dealer).first()
    if fund is None:
        return Balance(ZERO, ZERO, ZERO, ZERO, ZERO, ZERO)
    return Balance(
        fund.available, fund.reserved, fund.accrued, fund.allocated, fund.paid, fund.expired
    )


def fund_empty(dealer) -> Fund:
    """The fund of a dealer without movements, as the list's rows read (not saved: the
    first movement creates the row)."""
    fund = Fund(dealer=dealer)
    fund.accrued = fund.allocated = fund.paid = fund.expired = ZERO
    return fund


def fund_list_visible_to_all():
    return fund_list_visible_to(Actor(manufacturer=True))


def movement_list(dealer):
    return (
        Movement.objects.filter(dealer=dealer)
        .select_related("request", "claim")
        .order_by("-created_at", "-pk")
    )


def request_list_visible_to(who):
    return (
        FundRequest.objects.visible_to(who)
        .select_related("dealer", "campaign")
        .prefetch_related("regions", "claims")
    )


def claim_list_visible_to(who):
    return (
        Claim.objects.visible_to(who).select_related("request", "dealer").prefetch_related("proofs")
    )


@dataclass(frozen=True)
class LedgerBreak:
    dealer: str
    available: Decimal
    ledger_available: Decimal
    reserved: Decimal
    ledger_reserved: Decimal


def mdf_ledger_breaks() -> list[LedgerBreak]:
    """Funds whose available or reserved amount differs from their ledger's sums (one
    query), and requests whose reservation went negative or stays on a closed request."""
    dec = DecimalField(max_digits=16, decimal_places=2)
    rows = (
        Fund.objects.annotate(
            ledger_available=Coalesce(
                Sum("movements__available_delta"), Value(ZERO), output_field=dec
            ),
            ledger_reserved=Coalesce(
                Sum("movements__reserved_delta"), Value(ZERO), output_field=dec
            ),
        )
        .filter(
            ~Q(ledger_available=F("available"))
            | ~Q(ledger_reserved=F("reserved"))
            | Q(available__lt=0)
        )
        .select_related("dealer")
        .order_by("pk")
    )
    breaks = [
        LedgerBreak(r.dealer.code, r.available, r.ledger_available, r.reserved, r.ledger_reserved)
        for r in rows
    ]
    closed = [FundRequest.Status.PAID, FundRequest.Status.LAPSED, FundRequest.Status.REJECTED]
    for row in (
        Movement.objects.filter(request__isnull=False)
        .values("request_id", "request__status", "dealer__code")
        .annotate(reserved=Sum("reserved_delta"))
        .filter(Q(reserved__lt=0) | (Q(request__status__in=closed) & ~Q(reserved=0)))
        .order_by("request_id")
    ):
        breaks.append(
            LedgerBreak(
                f"{row['dealer__code']} request #{row['request_id']}",
                ZERO,
                ZERO,
                row["reserved"],
                ZERO,
            )
        )
    return breaks


def request_timeline(request: FundRequest) -> list[tuple]:
    """(when, what, who, note) of a request's steps, oldest first (claims prefetched)."""
    S = FundRequest.Status
    labels = dict(S.choices)
    steps = [(request.submitted_at, labels[S.SUBMITTED], request.submitted_by, "")]
    if request.manager_approved_at:
        steps.append(
            (
                request.manager_approved_at,
                _("approved by the channel manager"),
                request.manager_approved_label,
                "",
            )
        )
    if request.executive_approved_at:
        steps.append(
            (
                request.executive_approved_at,
                _("approved by an executive"),
                request.executive_approved_label,
                "",
            )
        )
    if request.approved_at:
        steps.append((request.approved_at, _("amount reserved"), "", ""))
    if request.rejected_at:
        steps.append(
            (request.rejected_at, labels[S.REJECTED], request.rejected_by, request.reject_reason)
        )
    for claim in request.claims.all():
        steps.append((claim.submitted_at, _("claim submitted"), claim.submitted_by, ""))
        if claim.decided_at:
            label = (
                _("claim approved")
                if claim.status == Claim.Status.APPROVED
                else _("claim rejected")
            )
            steps.append((claim.decided_at, label, claim.decided_by, claim.reason))
    if request.lapsed_at:
        steps.append((request.lapsed_at, labels[S.LAPSED], "", ""))
    return sorted(steps, key=lambda step: step[0])


def proof_list_visible_to(who):
    return ClaimProof.objects.visible_to(who)


def claims_to_decide(who, *, limit: int) -> list[Claim]:
    """Claims waiting for finance, oldest first (one query)."""
    return list(
        Claim.objects.visible_to(who)
        .filter(status=Claim.Status.SUBMITTED)
        .select_related("dealer", "request")
        .order_by("submitted_at", "pk")[:limit]
    )
