"""Portal pages (DOMAIN.md §16): a dealer's suggestions and transfers with their steps; for
staff, every transfer, and the suggestions of a region (shown beside the regional view's
alerts)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.access import actor_from, area_required
from rotation import selectors, services
from rotation.models import StockTransfer

STEPS = {
    "accept": services.transfer_accept,
    "ship": services.transfer_ship,
    "receive": services.transfer_receive,
    "cancel": services.transfer_cancel,
}


def _reader(request):
    actor = actor_from(request)
    if not (actor.manufacturer or actor.is_dealer):
        raise Http404
    return actor


def _steps_for(actor, transfer) -> list[str]:
    """The buttons a user sees on a transfer (the services decide again on POST)."""
    side = None
    if actor.dealer_id == transfer.source_dealer_id:
        side = "source"
    elif actor.dealer_id == transfer.destination_dealer_id:
        side = "destination"
    status, steps = transfer.status, []
    Status = StockTransfer.Status
    if side and status == Status.PROPOSED and getattr(transfer, f"{side}_accepted_at") is None:
        steps.append("accept")
    if status == Status.ACCEPTED and (side == "source" or actor.manufacturer):
        steps.append("ship")
    if status == Status.SHIPPED and (side == "destination" or actor.manufacturer):
        steps.append("receive")
    if status in (Status.PROPOSED, Status.ACCEPTED):
        steps.append("cancel")
    return steps


@area_required("stock")
@require_GET
def transfer_list(request):
    actor = _reader(request)
    transfers = selectors.transfer_list_visible_to(request).order_by("-created_at", "-pk")
    page = Paginator(transfers, 50).get_page(request.GET.get("page"))
    for transfer in page:
        transfer.steps = _steps_for(actor, transfer)
        transfer.named = actor.manufacturer or transfer.counterparty_visible()
        transfer.role = transfer.role_for(actor)
    suggestions = list(selectors.suggestion_list_visible_to(request).order_by("-quantity", "pk")[:100])
    for suggestion in suggestions:
        suggestion.role = suggestion.role_for(actor)
    return render(
        request,
        "rotation/transfer_list.html",
        {"page": page, "suggestions": suggestions, "staff": actor.manufacturer},
    )


def _apply(request, service, **kwargs):
    try:
        with transaction.atomic():
            return service(actor=request, **kwargs)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    return None


@area_required("stock")
@require_POST
def transfer_step(request, pk, step):
    _reader(request)
    service = STEPS.get(step)
    if service is None:
        raise Http404
    transfer = get_object_or_404(selectors.transfer_list_visible_to(request), pk=pk)
    kwargs = {"reason": request.POST.get("reason", "")[:500]} if step == "cancel" else {}
    if _apply(request, service, transfer=transfer, **kwargs) is not None:
        messages.success(request, _("Transfer #%(id)s updated.") % {"id": transfer.pk})
    return redirect("rotation:transfer_list")


@area_required("stock")
@require_POST
def suggestion_propose(request, pk):
    _reader(request)
    suggestion = get_object_or_404(selectors.suggestion_list_visible_to(request), pk=pk)
    transfer = _apply(request, services.transfer_propose_from_suggestion, suggestion=suggestion)
    if transfer is not None:
        messages.success(request, _("Transfer #%(id)s proposed.") % {"id": transfer.pk})
    return redirect("rotation:transfer_list")


@area_required("stock")
@require_GET
def region_suggestions(request, code=None):
    """Staff: the suggestions of a region's provinces (a fragment the regional stock view
    loads beside its alerts)."""
    if not _reader(request).manufacturer:
        raise Http404
    rows = list(selectors.suggestions_within(code).order_by("province__code", "product__sku", "-quantity")[:200])
    return render(request, "rotation/_region_suggestions.html", {"suggestions": rows})
