"""Dealer portal pages: statements (list, detail with "how we computed this", CSV, print),
the what-if panel, and the sales upload. Staff see every dealer's statements too."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from commissions import selectors, services
from commissions.filters import CommissionStatementFilterSet
from commissions.forms import (
    SalesUploadForm,
    StatementDecisionForm,
    WhatIfAmountForm,
    read_upload,
)
from dealers.selectors import dealer_can_write, dealer_read_only_message
from portal.access import actor_from, area_required
from portal.clock import manufacturer_tz
from portal.exports import safe_csv_writer
from portal.periods import Month

UPLOAD_SESSION_KEY = "commissions_sales_upload"


def _statement_or_404(request, pk):
    return get_object_or_404(selectors.statement_list_visible_to(request), pk=pk)


@area_required("statements")
def statement_list(request):
    actor = actor_from(request)
    if not (actor.manufacturer or actor.is_dealer):
        raise Http404
    filterset = CommissionStatementFilterSet(
        request.GET, queryset=selectors.statement_list_visible_to(request)
    )
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    context = {"filterset": filterset, "page": page, "statements": page.object_list}
    if actor.is_dealer:
        form, amount = WhatIfAmountForm.from_query(request.GET)
        context["whatif"] = selectors.whatif_for_dealer(dealer=actor.dealer, amount=amount)
        context["whatif_form"] = form
        context["show_whatif"] = True
    return render(request, "commissions/statement_list.html", context)


def _component_rows(statement):
    return selectors.statement_components(statement)


def _decision(request, statement) -> str | None:
    """What the finance group may do next with ``statement`` on its page: "approve" a
    draft, "pay" an approved one, or nothing."""
    if not actor_from(request).in_group(services.FINANCE):
        return None
    if statement.status == "draft" and Month.of(statement.period).bounds()[1] > timezone.now():
        return None  # approved from the month's end on
    return {"draft": "approve", "approved": "pay"}.get(statement.status)


@area_required("statements")
def statement_detail(request, pk):
    statement = _statement_or_404(request, pk)
    decision = _decision(request, statement)
    if decision == "approve":
        # Finance decides on the figures as of now, not on last night's.
        statement = services.statement_refresh(statement=statement)
    return render(
        request,
        "commissions/statement_detail.html",
        {
            "statement": statement,
            "components": _component_rows(statement),
            "decision": decision,
        },
    )


@area_required("statements")
@require_http_methods(["POST"])
def statement_decide(request, pk):
    """Finance approves a draft or marks an approved statement paid, for the total its
    page showed (``expected_total``); changed figures are refused with the new total and
    the page shows them."""
    statement = _statement_or_404(request, pk)
    decision = _decision(request, statement)
    if decision is None:
        raise Http404
    form = StatementDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("commissions:statement-detail", pk)
    try:
        if decision == "approve":
            services.statement_approve(
                statement=statement,
                actor=request,
                expected_total=form.cleaned_data["expected_total"],
            )
            messages.success(request, _("Statement approved."))
        else:
            services.statement_mark_paid(
                statement=statement,
                actor=request,
                expected_total=form.cleaned_data["expected_total"],
                reference=form.cleaned_data["reference"],
            )
            messages.success(request, _("Payment recorded."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("commissions:statement-detail", pk)


@area_required("statements")
def statement_print(request, pk):
    statement = _statement_or_404(request, pk)
    return render(
        request,
        "commissions/statement_print.html",
        {"statement": statement, "components": _component_rows(statement)},
    )


@area_required("statements")
def statement_csv(request, pk):
    statement = _statement_or_404(request, pk)
    filename = f"commission-{statement.dealer.code}-{statement.period_label}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    response.write("\ufeff")  # Excel opens UTF-8 (Chinese names) correctly with a BOM
    # every cell, headers and translated labels included, is neutralised (CSV injection)
    writer = safe_csv_writer(response)
    writer.writerow(
        [
            _("dealer"),
            _("month"),
            _("status"),
            _("kind"),
            _("amount"),
            _("currency"),
            _("sale line"),
            _("reason"),
            _("how we computed this"),
        ]
    )
    for component in _component_rows(statement):
        writer.writerow(
            [
                statement.dealer.code,
                statement.period_label,
                statement.get_status_display(),
                component.get_kind_display(),
                component.amount,
                statement.currency,
                component.sale_line.external_id if component.sale_line else "",
                component.reason,
                component.derivation.get("formula", ""),
            ]
        )
    writer.writerow(
        [
            statement.dealer.code,
            statement.period_label,
            statement.get_status_display(),
            _("total"),
            statement.total,
            statement.currency,
            "",
            "",
            "",
        ]
    )
    return response


@area_required("statements")
def whatif_panel(request):
    """The what-if panel alone (for htmx refreshes); the dashboard includes the partial."""
    actor = actor_from(request)
    if not actor.is_dealer:
        raise Http404
    form, amount = WhatIfAmountForm.from_query(request.GET)
    return render(
        request,
        "commissions/_whatif.html",
        {
            "whatif": selectors.whatif_for_dealer(dealer=actor.dealer, amount=amount),
            "whatif_form": form,
        },
    )


@area_required("sales")
@require_http_methods(["GET", "POST"])
def sales_upload(request):
    """CSV/XLSX upload of sale lines: a preview with every error by row, then confirm."""
    actor = actor_from(request)
    if not actor.is_dealer:
        raise Http404
    dealer = actor.dealer
    can_write = dealer_can_write(dealer)
    context = {"can_write": can_write, "dealer": dealer, "form": SalesUploadForm()}
    if request.method == "POST" and not can_write:
        messages.error(request, dealer_read_only_message(dealer))
        return redirect("commissions:sales-upload")
    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.get(UPLOAD_SESSION_KEY)
        if not pending:
            messages.error(request, _("Nothing to confirm: upload the file again."))
            return redirect("commissions:sales-upload")
        try:
            outcome = services.sale_lines_ingest(
                actor=request,
                lines=pending["lines"],
                source=f"upload:{pending['name']}"[:200],
                naive_time_zone=manufacturer_tz(),
            )
        except services.BatchRejected as exc:
            context.update(errors=exc.errors)
            return render(request, "commissions/sales_upload.html", context)
        del request.session[UPLOAD_SESSION_KEY]
        messages.success(
            request,
            _("%(created)d line(s) recorded, %(duplicates)d already reported.")
            % {"created": outcome.created, "duplicates": outcome.duplicates},
        )
        return redirect("commissions:sales-upload")
    if request.method == "POST":
        form = SalesUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            rows, problems = read_upload(form.cleaned_data["file"])
            if problems:
                context["errors"] = problems
            else:
                try:
                    outcome = services.sale_lines_ingest(
                        actor=request,
                        lines=rows,
                        validate_only=True,
                        naive_time_zone=manufacturer_tz(),
                    )
                except services.BatchRejected as exc:
                    context["errors"] = exc.errors
                else:
                    request.session[UPLOAD_SESSION_KEY] = {
                        "name": form.cleaned_data["file"].name,
                        "lines": rows,
                    }
                    context["preview"] = list(zip(rows, outcome.items, strict=True))
                    context["outcome"] = outcome
    return render(request, "commissions/sales_upload.html", context)
