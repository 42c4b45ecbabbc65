"""Marketing-fund claims (DOMAIN.md §14): within 60 days after the activity ends, the
dealer claims its actual spend with at least one proof file (§3.1: PDF, JPEG or PNG by
content, at most 10 MB); reimbursable = min(actual × share, approved). Finance approves
(a lower amount needs a reason) — the amount is paid as an ``mdf`` component of the next
draft statement and the rest of the reservation is released — or rejects (the dealer may
claim again within the window).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commissions.services.credits import book_credit
from mdf import calculations as calc
from mdf.models import Claim, ClaimProof, FundRequest, Movement
from mdf.notify import notify
from mdf.services.ledger import append, error, fund_locked, parse_money, reserved_for
from mdf.services.requests import require_dealer_writer
from portal import events
from portal.access import actor_from
from portal.clock import manufacturer_date
from portal.files import MAX_DOCUMENT_BYTES, display_name, sniff_document_type
from portal.periods import Month

S = Claim.Status
RS = FundRequest.Status
K = Movement.Kind
MAX_FILES = 10


def proof_check(upload) -> str:
    """The checked content type of a proof file, or a ValidationError on ``files``."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise error("files", _("Files may be at most 10 MB."), "too_large")
    upload.seek(0)
    content_type = sniff_document_type(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise error("files", _("Only PDF, JPEG and PNG files are accepted."), "invalid_type")
    return content_type


@transaction.atomic
def claim_submit(*, actor, request: FundRequest, actual_spend, files, now=None) -> Claim:
    """The dealer claims an approved request of its own, with proof files."""
    actor = actor_from(actor)
    require_dealer_writer(actor)
    now = now or timezone.now()
    request = FundRequest.objects.select_for_update().get(pk=request.pk, dealer_id=actor.dealer_id)
    if request.status == RS.CLAIMED:
        raise error(
            "request", _("This request already has a claim awaiting a decision."), "already_claimed"
        )
    if request.status != RS.APPROVED:
        raise error("request", _("Only an approved request can be claimed."), "invalid_status")
    today = manufacturer_date(now)
    if today < request.starts_on:
        raise error("request", _("Claim once the activity has started."), "too_early")
    if today > request.claim_deadline:
        raise error(
            "request", _("Claims are accepted up to 60 days after the activity ends."), "too_late"
        )
    actual = parse_money(actual_spend, "actual_spend")
    files = list(files or [])
    if not files:
        raise error("files", _("Attach at least one proof file."), "required")
    if len(files) > MAX_FILES:
        raise error("files", _("At most 10 files."), "too_many")
    types = [proof_check(upload) for upload in files]
    claim = Claim.objects.create(
        request=request,
        dealer_id=request.dealer_id,
        actual_spend=actual,
        reimbursable=calc.reimbursable(actual, request.share, request.requested_amount),
        submitted_by=actor.label,
        submitted_at=now,
    )
    for upload, content_type in zip(files, types, strict=True):
        name = display_name(getattr(upload, "name", ""))
        proof = ClaimProof(
            claim=claim, name=name, content_type=content_type, size=upload.size, uploaded_at=now
        )
        proof.file.save(name, upload, save=False)
        proof.save()
    request.status = RS.CLAIMED
    request.save(update_fields=["status"])
    return claim


def _finance(actor):
    if not (actor.manufacturer and actor.in_group("finance")):
        raise PermissionDenied(_("Finance decides marketing funds claims."))


def _locked(claim: Claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("request", "request__dealer")
        .get(pk=claim.pk)
    )


def _decided_event(claim: Claim) -> None:
    events.record(
        "mdf.claim_decided",
        {
            "claim": claim.pk,
            "request": claim.request_id,
            "dealer": claim.request.dealer.code,
            "status": claim.status,
            "approved_amount": claim.approved_amount,
        },
        dealer=claim.dealer_id,
    )


def _book(claim: Claim, amount, now):
    request = claim.request
    derivation = {
        "claim": claim.pk,
        "request": request.pk,
        "title": request.title,
        "actual_spend": str(claim.actual_spend),
        "share": str(request.share),
        "approved_request": str(request.requested_amount),
        "reimbursable": str(claim.reimbursable),
        "amount": str(amount),
        "reason": claim.reason,
    }
    month = Month.current(now)
    try:
        return book_credit(
            dealer=request.dealer,
            kind="mdf",
            amount=amount,
            source_key=f"mdf-claim:{claim.pk}",
            derivation=derivation,
            month=month,
            now=now,
            created_by=claim.decided_by,
        )
    except ValidationError:  # this month's statement is already approved: the next one
        return book_credit(
            dealer=request.dealer,
            kind="mdf",
            amount=amount,
            source_key=f"mdf-claim:{claim.pk}",
            derivation=derivation,
            month=month.next(),
            now=now,
            created_by=claim.decided_by,
        )


@transaction.atomic
def claim_approve(*, actor, claim: Claim, amount=None, reason: str = "", now=None) -> Claim:
    """Finance approves ``amount`` (default: the reimbursable amount; a lower one needs a
    reason): paid in the next draft statement; the rest of the reservation is released."""
    actor = actor_from(actor)
    _finance(actor)
    now = now or timezone.now()
    claim = _locked(claim)
    if claim.status == S.APPROVED:
        return claim
    if claim.status != S.SUBMITTED:
        raise error("status", _("This claim has already been decided."), "invalid_status")
    amount = claim.reimbursable if amount in (None, "") else parse_money(amount, "amount")
    if amount > claim.reimbursable:
        raise error(
            "amount",
            _("At most the reimbursable %(amount)s.") % {"amount": claim.reimbursable},
            "over_reimbursable",
        )
    reason = (reason or "").strip()
    if amount < claim.reimbursable and not reason:
        raise error(
            "reason",
            _("Give a reason for approving less than the reimbursable amount."),
            "required",
        )
    request = FundRequest.objects.select_for_update().get(pk=claim.request_id)
    fund = fund_locked(request.dealer)
    reserved = reserved_for(request)
    pay = min(amount, reserved)
    claim.status, claim.approved_amount, claim.reason = S.APPROVED, pay, reason[:500]
    claim.decided_by, claim.decided_at = actor.label, now
    append(
        fund,
        kind=K.PAYMENT,
        amount=pay,
        available_delta=calc.ZERO,
        reserved_delta=-pay,
        source_key=f"payment:claim:{claim.pk}",
        created_by=actor.label,
        now=now,
        request=request,
        claim=claim,
    )
    rest = reserved - pay
    if rest > 0:
        append(
            fund,
            kind=K.RELEASE,
            amount=rest,
            available_delta=rest,
            reserved_delta=-rest,
            source_key=f"release:request:{request.pk}",
            created_by=actor.label,
            now=now,
            request=request,
            claim=claim,
        )
    component = _book(claim, pay, now)
    claim.statement_component_id = component.pk if component else None
    claim.save()
    request.status = RS.PAID
    request.save(update_fields=["status"])
    _decided_event(claim)
    notify("claim_approved", request=request, claim=claim, amount=pay, reason=claim.reason)
    return claim


@transaction.atomic
def claim_reject(*, actor, claim: Claim, reason: str, now=None) -> Claim:
    """Finance rejects a claim with a reason; the request may be claimed again until its
    deadline (then it lapses)."""
    actor = actor_from(actor)
    _finance(actor)
    claim = _locked(claim)
    if claim.status == S.REJECTED:
        return claim
    if claim.status != S.SUBMITTED:
        raise error("status", _("This claim has already been decided."), "invalid_status")
    reason = (reason or "").strip()
    if not reason:
        raise error("reason", _("Give a reason."), "required")
    claim.status, claim.reason = S.REJECTED, reason[:500]
    claim.decided_by, claim.decided_at = actor.label, now or timezone.now()
    claim.save()
    request = FundRequest.objects.select_for_update().get(pk=claim.request_id)
    request.status = RS.APPROVED
    request.save(update_fields=["status"])
    _decided_event(claim)
    notify("claim_rejected", request=request, claim=claim, reason=claim.reason)
    return claim
