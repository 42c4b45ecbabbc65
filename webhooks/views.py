"""Portal page of the webhooks: the caller's endpoints (a dealer's own; for staff, the
manufacturer's), with create, rotate and enable/disable. A new secret is shown once."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.access import actor_from, area_required
from webhooks.forms import EndpointForm
from webhooks.models import WebhookEndpoint
from webhooks.services import endpoints


def _own_endpoints(request):
    actor = actor_from(request)
    if actor.is_dealer:
        return WebhookEndpoint.objects.filter(dealer_id=actor.dealer_id)
    if actor.manufacturer:
        return WebhookEndpoint.objects.filter(dealer__isnull=True)
    raise Http404


def _render(request, form, secret=None, status=200):
    rows = _own_endpoints(request).order_by("pk")
    return render(
        request,
        "webhooks/endpoint_list.html",
        {"endpoints": rows, "form": form, "secret": secret},
        status=status,
    )


@area_required("integrations")
@require_http_methods(["GET", "POST"])
def endpoint_list(request):
    actor = actor_from(request)
    _own_endpoints(request)
    if request.method == "GET":
        return _render(request, EndpointForm())
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint, secret = endpoints.endpoint_create(
                actor=request,
                dealer=actor.dealer if actor.is_dealer else None,
                url=form.cleaned_data["url"],
                topics=form.cleaned_data["topics"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return _render(request, EndpointForm(), secret=(endpoint, secret), status=201)
    return _render(request, form, status=400)


@area_required("integrations")
@require_POST
def endpoint_rotate(request, pk):
    endpoint = get_object_or_404(_own_endpoints(request), pk=pk)
    try:
        endpoint, secret = endpoints.endpoint_rotate_secret(actor=request, endpoint=endpoint)
    except PermissionDenied:
        raise Http404 from None
    return _render(request, EndpointForm(), secret=(endpoint, secret))


@area_required("integrations")
@require_POST
def endpoint_toggle(request, pk):
    endpoint = get_object_or_404(_own_endpoints(request), pk=pk)
    service = endpoints.endpoint_disable if endpoint.is_active else endpoints.endpoint_enable
    try:
        service(actor=request, endpoint=endpoint)
    except PermissionDenied:
        raise Http404 from None
    return redirect("webhooks:endpoint-list")
