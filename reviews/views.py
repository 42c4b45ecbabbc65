"""Portal pages of quarterly reviews: the dealer reads its reviews, acknowledges and
comments; staff read them here and score and finalise them in the admin."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dealers.models import Dealer
from dealers.selectors import dealer_can_write
from portal.access import actor_from, area_required
from reviews import selectors
from reviews.services import review_acknowledge


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Your comment (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


def _trend(history):
    def num(value, scale=1):
        return None if value is None else float(value) * scale

    # Chart.js data, drawn by static/portal/charts.js
    return {
        "labels": [r.quarter for r in history],
        "datasets": [
            {
                "label": _("Target attainment (%)"),
                "data": [num(r.attainment, 100) for r in history],
            },
            {"label": _("Overall score"), "data": [num(r.overall_score) for r in history]},
        ],
    }


@area_required("company")
@require_GET
def review_list(request):
    actor = actor_from(request)
    qs = selectors.review_list_visible_to(request)
    dealer = None
    if actor.manufacturer:
        code = request.GET.get("dealer")
        if code:
            dealer = get_object_or_404(Dealer, code=code)
            qs = qs.filter(dealer=dealer)
        quarter = request.GET.get("quarter")
        if quarter:
            qs = qs.filter(quarter=quarter)
    else:
        dealer = actor.dealer
    reviews = list(qs[:200])
    history = None
    if dealer is not None:
        history = sorted(reviews, key=lambda r: r.quarter)[-8:]
    return render(
        request,
        "reviews/list.html",
        {
            "reviews": reviews,
            "dealer": dealer,
            "history": history,
            "trend_data": _trend(history) if history else None,
        },
    )


@area_required("company")
@require_GET
def review_detail(request, pk):
    review = get_object_or_404(selectors.review_detail_visible_to(request), pk=pk)
    actor = actor_from(request)
    can_acknowledge = (
        actor.is_dealer
        and review.is_final
        and review.acknowledged_at is None
        and dealer_can_write(review.dealer)
    )
    history = selectors.review_history(dealer_id=review.dealer_id, who=request)
    return render(
        request,
        "reviews/detail.html",
        {
            "review": review,
            "can_acknowledge": can_acknowledge,
            "form": AcknowledgeForm() if can_acknowledge else None,
            "history": history,
            "trend_data": _trend(history),
        },
    )


@area_required("company")
@require_POST
def review_acknowledge_view(request, pk):
    review = get_object_or_404(selectors.review_list_visible_to(request), pk=pk)
    actor = actor_from(request)
    if not actor.is_dealer or not dealer_can_write(review.dealer):
        raise PermissionDenied
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            review_acknowledge(actor=actor, review=review, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you: the review is acknowledged."))
    return redirect("reviews:review-detail", pk=review.pk)
