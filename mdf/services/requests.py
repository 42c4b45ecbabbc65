"""Marketing-fund requests (DOMAIN.md §14): a dealer asks to co-fund an activity; a channel
manager approves (up to 50,000.00), above that an executive approves too; approval reserves
the amount under the fund's lock. A request nobody claimed 60 days after its end lapses and
releases its reservation.

Every step locks the request row; repeating a step that already happened changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dealers.models import Region
from dealers.selectors import dealer_can_write
from mdf import calculations as calc
from mdf.models import Fund, FundRequest, Movement
from mdf.notify import notify
from mdf.services.ledger import append, error, fund_locked, parse_money, reserved_for
from portal.access import Actor, actor_from
from portal.clock import manufacturer_date
from pricing.models import Campaign

S = FundRequest.Status
K = Movement.Kind


def require_dealer_writer(actor: Actor):
    if not actor.is_dealer:
        raise PermissionDenied(_("Only dealers make marketing funds requests and claims."))
    if not dealer_can_write(actor.dealer):
        raise PermissionDenied(_("Your dealer account cannot make changes in its current state."))


def _date(value, field):
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(str(value or "").strip()) if value else None
    if parsed is None:
        raise error(field, _("Enter a valid date."), "invalid")
    return parsed


def _share(value) -> Decimal:
    if value in (None, ""):
        return calc.DEFAULT_SHARE
    try:
        share = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise error("share", _("Enter a number."), "invalid") from None
    if not share.is_finite() or share <= 0 or share > 1:
        raise error("share", _("The share is more than 0 and at most 1."), "invalid")
    if share != share.quantize(Decimal("0.0001")):
        raise error("share", _("At most four decimal places."), "invalid")
    return share


@transaction.atomic
def request_submit(
    *,
    actor,
    activity_type,
    title,
    starts_on,
    ends_on,
    planned_spend,
    share=None,
    regions=(),
    campaign=None,
    now=None,
) -> FundRequest:
    """A dealer requests co-funding: requested = planned × share, at most what is available.
    An optional campaign (§13) links the request to it; its MDF share is the default share."""
    actor = actor_from(actor)
    require_dealer_writer(actor)
    if activity_type not in FundRequest.ActivityType.values:
        raise error("activity_type", _("Choose an activity type."), "invalid_choice")
    title = (title or "").strip()
    if not title:
        raise error("title", _("Give a title."), "required")
    starts_on, ends_on = _date(starts_on, "starts_on"), _date(ends_on, "ends_on")
    if ends_on < starts_on:
        raise error("ends_on", _("The activity cannot end before it starts."), "before_start")
    planned = parse_money(planned_spend, "planned_spend")
    if campaign is not None and not isinstance(campaign, Campaign):
        raise error("campaign", _("Choose an existing campaign."), "invalid")
    if share in (None, "") and campaign is not None and campaign.mdf_share:
        share = campaign.mdf_share
    share = _share(share)
    amount = calc.requested_amount(planned, share)
    if amount <= 0:
        raise error("planned_spend", _("Enter a positive amount."), "invalid")
    regions = list(regions)
    if any(not isinstance(r, Region) for r in regions):
        raise error("regions", _("Choose existing regions."), "invalid")
    fund = Fund.objects.filter(dealer_id=actor.dealer_id).first()
    available = fund.available if fund else calc.ZERO
    if amount > available:
        raise error(
            "planned_spend",
            _("The requested %(amount)s is more than the %(available)s available.")
            % {"amount": amount, "available": available},
            "insufficient_funds",
        )
    request = FundRequest.objects.create(
        dealer_id=actor.dealer_id,
        activity_type=activity_type,
        title=title[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        planned_spend=planned,
        share=share,
        campaign=campaign,
        requested_amount=amount,
        submitted_by=actor.label,
        submitted_at=now or timezone.now(),
    )
    if regions:
        request.regions.set(regions)
    return request


def _locked(request: FundRequest) -> FundRequest:
    return (
        FundRequest.objects.select_for_update(of=("self",))
        .select_related("dealer")
        .get(pk=request.pk)
    )


def _reserve(request: FundRequest, actor: Actor, now) -> None:
    fund = fund_locked(request.dealer)
    append(
        fund,
        kind=K.RESERVATION,
        amount=request.requested_amount,
        available_delta=-request.requested_amount,
        reserved_delta=request.requested_amount,
        source_key=f"reservation:request:{request.pk}",
        created_by=actor.label,
        now=now,
        request=request,
    )


def _same_person(request: FundRequest, actor: Actor) -> bool:
    """Whether ``actor`` gave the channel manager's approval: the same user, or the same
    API key (a manufacturer key acts in every group, but it is still one approver)."""
    if actor.api_key is None and actor.user is not None:
        if request.manager_approved_by_id == actor.user.pk:
            return True
    return bool(request.manager_approved_label) and request.manager_approved_label == actor.label


@transaction.atomic
def request_approve(*, actor, request: FundRequest, now=None) -> FundRequest:
    """A channel manager approves; above 50,000.00 an executive approves too (a different
    person). The final approval reserves the amount (``insufficient_funds`` when it is no
    longer available)."""
    actor = actor_from(actor)
    now = now or timezone.now()
    request = _locked(request)
    if request.status == S.SUBMITTED:
        if not (actor.manufacturer and actor.in_group("channel_manager")):
            raise PermissionDenied(_("A channel manager approves marketing funds requests."))
        request.manager_approved_by = actor.user if actor.api_key is None else None
        request.manager_approved_label = actor.label
        request.manager_approved_at = now
        if calc.needs_executive(request.requested_amount):
            request.status = S.AWAITING_EXECUTIVE
            request.save()
            notify("request_manager_approved", request=request)
            return request
    elif request.status == S.AWAITING_EXECUTIVE:
        if not (actor.manufacturer and actor.in_group("executive")):
            raise PermissionDenied(_("An executive approves requests above 50,000.00."))
        if _same_person(request, actor):
            raise error(
                "status",
                _("A second person approves: you approved it as channel manager."),
                "same_approver",
            )
        request.executive_approved_label = actor.label
        request.executive_approved_at = now
    elif request.status in (S.APPROVED, S.CLAIMED, S.PAID):
        return request
    else:
        raise error("status", _("This request can no longer be approved."), "invalid_status")
    _reserve(request, actor, now)
    request.status = S.APPROVED
    request.approved_at = now
    request.save()
    notify("request_approved", request=request)
    return request


@transaction.atomic
def request_reject(*, actor, request: FundRequest, reason: str, now=None) -> FundRequest:
    """A channel manager (or, at the second step, an executive) rejects, with a reason."""
    actor = actor_from(actor)
    request = _locked(request)
    group = "executive" if request.status == S.AWAITING_EXECUTIVE else "channel_manager"
    if not (actor.manufacturer and actor.in_group(group)):
        raise PermissionDenied(_("You may not decide this request."))
    if request.status == S.REJECTED:
        return request
    if request.status not in (S.SUBMITTED, S.AWAITING_EXECUTIVE):
        raise error("status", _("This request can no longer be rejected."), "invalid_status")
    reason = (reason or "").strip()
    if not reason:
        raise error("reason", _("Give a reason."), "required")
    request.status = S.REJECTED
    request.rejected_by = actor.label
    request.rejected_at = now or timezone.now()
    request.reject_reason = reason[:500]
    request.save()
    notify("request_rejected", request=request, reason=request.reject_reason)
    return request


@transaction.atomic
def request_lapse(*, request: FundRequest, now=None) -> bool:
    """Lapse an approved request with no claim 60 days after its end, releasing its
    reservation. Returns whether it lapsed."""
    now = now or timezone.now()
    request = _locked(request)
    if request.status != S.APPROVED or manufacturer_date(now) <= request.claim_deadline:
        return False
    rest = reserved_for(request)
    if rest > 0:
        append(
            fund_locked(request.dealer),
            kind=K.RELEASE,
            amount=rest,
            available_delta=rest,
            reserved_delta=-rest,
            source_key=f"release:request:{request.pk}",
            created_by="system",
            now=now,
            request=request,
            reason="lapsed",
        )
    request.status = S.LAPSED
    request.lapsed_at = now
    request.save()
    notify("request_lapsed", request=request, amount=rest)
    return True
