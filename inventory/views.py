"""Portal pages (DOMAIN.md §5.4): dealers' stock and uploads; the staff regional view."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dealers.models import ProductLine, Region
from dealers.selectors import dealer_can_write, dealer_read_only_message
from inventory import selectors, services
from inventory.filters import StockLevelFilterSet
from inventory.forms import StockUploadForm
from inventory.models import StockUpload
from inventory.uploads import parse_stock_file
from portal.access import actor_from, area_required


def _reader(request):
    actor = actor_from(request)
    if not (actor.manufacturer or actor.is_dealer):
        raise Http404
    return actor


def _writer(request):
    """Dealer users while their dealer may write; staff with the permission."""
    actor = _reader(request)
    if actor.is_dealer:
        if not dealer_can_write(actor.dealer):
            raise PermissionDenied(dealer_read_only_message(actor.dealer))
    elif not request.user.has_perm("inventory.change_stocklevel"):
        raise PermissionDenied
    return actor


@area_required("stock")
def stock_list(request):
    """Stock levels the user may see, filterable (warehouse, SKU, product line, region)."""
    actor = _reader(request)
    filterset = StockLevelFilterSet(
        request.GET or None, queryset=selectors.stock_level_list_visible_to(request)
    )
    levels = filterset.qs.order_by("warehouse__code", "product__sku")
    page = Paginator(levels, 50).get_page(request.GET.get("page"))
    warehouses = list(selectors.warehouse_list_visible_to(request)) if actor.is_dealer else []
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inventory/stock_list.html",
        {
            "page": page,
            "filters": request.GET,
            "query": query.urlencode(),
            "warehouses": warehouses,
            "product_lines": ProductLine.objects.all(),
            "can_upload": (actor.is_dealer and dealer_can_write(actor.dealer))
            or (actor.manufacturer and request.user.has_perm("inventory.change_stocklevel")),
        },
    )


@area_required("stock")
@require_http_methods(["GET", "POST"])
def stock_upload(request):
    _writer(request)
    form = StockUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        parsed = parse_stock_file(name=upload_file.name, data=upload_file.read())
        upload = services.stock_upload_create(
            user=request.user,
            filename=upload_file.name,
            items=parsed.items,
            rows=parsed.rows,
            file_errors=parsed.errors,
        )
        return redirect("inventory:stock_upload_preview", pk=upload.pk)
    return render(request, "inventory/stock_upload.html", {"form": form})


@area_required("stock")
@require_http_methods(["GET", "POST"])
def stock_upload_preview(request, pk):
    """What the upload would change and every error by row; POST confirms it."""
    _reader(request)
    upload = get_object_or_404(StockUpload, pk=pk, uploaded_by=request.user)
    if request.method == "POST":
        _writer(request)
        try:
            with transaction.atomic():
                result = services.stock_upload_confirm(upload_id=upload.pk, user=request.user)
        except services.UploadNotConfirmable as exc:
            messages.error(request, str(exc))
            return redirect("inventory:stock_upload_preview", pk=upload.pk)
        except services.StockBatchInvalid:
            messages.error(request, _("The data changed since the preview; upload the file again."))
            return redirect("inventory:stock_upload")
        counts = result.counts
        messages.success(
            request,
            _("Upload applied: %(applied)s changed, %(unchanged)s unchanged, %(stale)s stale.")
            % counts,
        )
        return redirect("inventory:stock_list")
    preview, errors = [], upload.errors
    if upload.status == StockUpload.Status.PREVIEW and not errors:
        try:
            preview = services.stock_sets_preview(actor=request, items=upload.items)
        except services.StockBatchInvalid as exc:
            errors = [
                {"row": upload.rows[e.index] if e.index is not None else None, **e.__dict__}
                for e in exc.errors
            ]
        for item in preview:
            item.row = upload.rows[item.index]
    return render(
        request,
        "inventory/stock_upload_preview.html",
        {
            "upload": upload,
            "preview": preview,
            "errors": errors,
            "changes": sum(1 for p in preview if p.outcome == "applied"),
        },
    )


@area_required("stock")
def stock_regions(request, code=None):
    """Staff: region × product line with totals, days of cover and alerts; a region's page
    drills down into its subregions and products."""
    actor = _reader(request)
    if not actor.manufacturer:
        raise Http404
    region = get_object_or_404(Region, code=code) if code else None
    line = request.GET.get("product_line") or None
    rows = selectors.stock_by_region_product(within=code, product_line=line)
    if region is not None:
        shown = [region, *Region.objects.filter(parent=region).order_by("code")]
    else:
        shown = list(Region.objects.filter(parent__isnull=True).order_by("code"))
        shown += list(Region.objects.filter(parent__in=shown).order_by("code"))
    shown_codes = {r.code for r in shown}
    lines = list(ProductLine.objects.all())
    cells = {
        (c.region.code, c.product_line.code): c
        for c in selectors.stock_by_region_line(
            rows=[r for r in rows if r.region.code in shown_codes]
        )
    }
    matrix = [{"region": r, "cells": [cells.get((r.code, pl.code)) for pl in lines]} for r in shown]
    alerts = selectors.open_alerts_within(code) if code else selectors.open_alerts_all()
    return render(
        request,
        "inventory/stock_regions.html",
        {
            "region": region,
            "lines": lines,
            "matrix": matrix,
            "products": [r for r in rows if region is not None and r.region.code == code],
            "alerts": list(alerts[:200]),
            "selected_line": line,
        },
    )
