"""Portal pages of marketing funds (DOMAIN.md §14). A dealer sees its balance with the
ledger, the request form, its requests with their timelines and the claim form; staff see
the queues (requests to approve, claims to decide) and decide from them. Every change calls
a service, which decides again who may do it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dealers.models import Region
from mdf import calculations as calc
from mdf import selectors, services
from mdf.models import Claim, FundRequest
from portal.access import actor_from, area_required
from portal.clock import manufacturer_today
from portal.files import download_response
from pricing.models import Campaign

S = FundRequest.Status


def _reader(request):
    actor = actor_from(request)
    if not (actor.manufacturer or actor.is_dealer):
        raise Http404
    return actor


def _apply(http, service, /, **kwargs):
    try:
        with transaction.atomic():
            return service(actor=http, **kwargs)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(http, message)
    except PermissionDenied as exc:
        messages.error(http, str(exc) or _("You may not do this."))
    return None


@area_required("mdf")
@require_GET
def fund_page(request):
    actor = _reader(request)
    requests = list(
        selectors.request_list_visible_to(request).order_by("-submitted_at", "-pk")[:100]
    )
    for row in requests:
        row.timeline = selectors.request_timeline(row)
        row.claimable = row.status == S.APPROVED
    context = {"staff": actor.manufacturer, "requests": requests, "today": manufacturer_today()}
    if actor.manufacturer:
        context["pending_requests"] = [
            r for r in requests if r.status in (S.SUBMITTED, S.AWAITING_EXECUTIVE)
        ]
        context["pending_claims"] = list(
            selectors.claim_list_visible_to(request)
            .filter(status=Claim.Status.SUBMITTED)
            .order_by("submitted_at")[:100]
        )
        context["funds"] = list(selectors.fund_list_visible_to(request)[:200])
    else:
        fund = selectors.fund_list_visible_to(request).first()
        context["fund"] = fund
        context["movements"] = list(selectors.movement_list(actor.dealer_id)[:200]) if fund else []
        context["activity_types"] = FundRequest.ActivityType.choices
        context["default_share"] = calc.DEFAULT_SHARE
        context["regions"] = list(Region.objects.order_by("code")[:500])
        context["campaigns"] = list(
            Campaign.objects.filter(ends_on__gte=manufacturer_today()).order_by("code")[:200]
        )
    return render(request, "mdf/fund.html", context)


@area_required("mdf")
@require_POST
def request_new(request):
    _reader(request)
    post = request.POST
    row = _apply(
        request,
        services.request_submit,
        activity_type=post.get("activity_type", ""),
        title=post.get("title", ""),
        starts_on=post.get("starts_on", ""),
        ends_on=post.get("ends_on", ""),
        planned_spend=post.get("planned_spend", ""),
        share=post.get("share", ""),
        regions=list(Region.objects.filter(code__in=post.getlist("regions"))),
        campaign=Campaign.objects.filter(code=post.get("campaign") or None).first(),
    )
    if row is not None:
        messages.success(request, _("Request #%(id)s submitted.") % {"id": row.pk})
    return redirect("mdf:fund")


@area_required("mdf")
@require_POST
def request_decide(request, pk, decision):
    _reader(request)
    row = get_object_or_404(selectors.request_list_visible_to(request), pk=pk)
    if decision == "approve":
        done = _apply(request, services.request_approve, request=row)
    elif decision == "reject":
        done = _apply(
            request, services.request_reject, request=row, reason=request.POST.get("reason", "")
        )
    else:
        raise Http404
    if done is not None:
        messages.success(request, _("Request #%(id)s updated.") % {"id": row.pk})
    return redirect("mdf:fund")


@area_required("mdf")
@require_POST
def claim_new(request, pk):
    _reader(request)
    row = get_object_or_404(selectors.request_list_visible_to(request), pk=pk)
    claim = _apply(
        request,
        services.claim_submit,
        request=row,
        actual_spend=request.POST.get("actual_spend", ""),
        files=request.FILES.getlist("files"),
    )
    if claim is not None:
        messages.success(request, _("Claim #%(id)s submitted.") % {"id": claim.pk})
    return redirect("mdf:fund")


@area_required("mdf")
@require_POST
def claim_decide(request, pk, decision):
    _reader(request)
    claim = get_object_or_404(selectors.claim_list_visible_to(request), pk=pk)
    reason = request.POST.get("reason", "")
    if decision == "approve":
        done = _apply(
            request,
            services.claim_approve,
            claim=claim,
            amount=request.POST.get("amount", ""),
            reason=reason,
        )
    elif decision == "reject":
        done = _apply(request, services.claim_reject, claim=claim, reason=reason)
    else:
        raise Http404
    if done is not None:
        messages.success(request, _("Claim #%(id)s decided.") % {"id": claim.pk})
    return redirect("mdf:fund")


@area_required("mdf")
@require_GET
def proof_download(request, pk):
    _reader(request)
    proof = get_object_or_404(selectors.proof_list_visible_to(request), pk=pk)
    return download_response(proof.file, filename=proof.name, content_type=proof.content_type)
