"""Portal page of campaign frameworks and local promotions (DOMAIN.md §13).

Dealers (area ``pricing``: owner and sales, the roles the API's promotions admit): the
campaign frameworks of their regions with their materials, their own promotions with status
and reason, the form to propose one, and their price discipline. Staff: the promotions to
decide (a channel manager's regions) with approve and reject, the latest decisions and the
running campaigns. Every change calls ``pricing.services``, which decides again who may do
it; a dealer never sees another dealer's promotion."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dealers.selectors import dealer_can_write, managed_region_codes
from portal.access import actor_from, area_required
from portal.clock import manufacturer_today
from portal.files import download_response
from portal.forms import add_service_errors
from pricing import selectors, services
from pricing.forms import DecisionForm, PromotionForm
from pricing.models import Campaign, Promotion

ROWS = 100  # rows per list; older ones are in the admin and the API


def _reader(request):
    actor = actor_from(request)
    if not (actor.manufacturer or actor.is_dealer):
        raise Http404
    return actor


def _page_url(anchor: str) -> str:
    return f"{reverse('pricing:promotions')}#{anchor}"


@area_required("pricing")
@require_http_methods(["GET", "POST"])
def promotion_page(request):
    actor = _reader(request)
    if actor.manufacturer:
        if request.method == "POST":
            raise Http404
        return _staff_page(request, actor)
    today = manufacturer_today()
    dealer = actor.dealer
    campaigns = list(selectors.campaign_list_for_dealer(dealer, today=today))
    writable = dealer_can_write(dealer)
    form = _promotion_form(
        request.POST if request.method == "POST" else None,
        dealer,
        Campaign.objects.filter(pk__in=[c.pk for c in campaigns]).order_by("code"),
        today,
    )
    if request.method == "POST":
        if not writable:
            messages.error(request, dealer.read_only_message())
            return redirect("pricing:promotions")
        if form.is_valid():
            try:
                promotion = services.promotion_submit(actor=request, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if promotion.status == Promotion.Status.APPROVED:
                    note = _("Promotion approved at once: it is inside every range of the campaign.")
                else:
                    note = _(
                        "Promotion proposed: it leaves the campaign's %(ranges)s, so it waits "
                        "for your region's channel manager."
                    ) % {"ranges": ", ".join(promotion.outside_labels)}
                messages.success(request, note)
                return redirect(_page_url(f"promotion-{promotion.pk}"))
    promotions = list(selectors.promotion_list_visible_to(request)[:ROWS])
    return render(
        request,
        "pricing/promotions.html",
        {
            "staff": False,
            "campaigns": campaigns,
            "promotions": promotions,
            "form": form,
            "can_propose": writable and bool(campaigns),
            "read_only_message": "" if writable else dealer.read_only_message(),
        },
    )


def _promotion_form(data, dealer, campaigns, today) -> PromotionForm:
    return PromotionForm(
        data,
        campaigns=campaigns,
        regions=selectors.promotion_regions_for_dealer(dealer, today=today),
    )


@area_required("pricing")
@require_GET
def promotion_preview(request):
    """htmx: while the dealer fills the form, whether the promotion lies inside every range
    of its campaign (approved at once) or which ranges it leaves (it would wait)."""
    actor = _reader(request)
    if not actor.is_dealer:
        raise Http404
    today = manufacturer_today()
    campaigns = selectors.campaign_list_for_dealer(actor.dealer, today=today)
    form = _promotion_form(request.GET, actor.dealer, campaigns, today)
    outside = None
    if form.is_valid() and form.cleaned_data["ends_on"] >= form.cleaned_data["starts_on"]:
        outside = services.promotion_outside(
            form.cleaned_data["campaign"],
            discount=form.cleaned_data["discount"],
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            regions=form.cleaned_data["regions"],
        )
    labels = None if outside is None else Promotion.range_labels(outside)
    return render(request, "pricing/_preview.html", {"outside": labels})


def _staff_page(request, actor):
    # a channel manager sees its regions; other staff (and superusers) every region
    mine = actor.in_group("channel_manager") and not request.user.is_superuser
    codes = managed_region_codes(request.user) if mine else None
    in_regions = selectors.promotion_list_in_regions(request, region_codes=codes)
    today = manufacturer_today()
    return render(
        request,
        "pricing/promotions.html",
        {
            "staff": True,
            "managed_regions": codes,
            "to_decide": list(selectors.promotions_to_decide(request, region_codes=codes)[:ROWS]),
            "decided": list(
                in_regions.exclude(status=Promotion.Status.PENDING).order_by(
                    "-decided_at", "-pk"
                )[:ROWS]
            ),
            "campaigns": list(
                selectors.campaign_list_visible_to(request)
                .filter(ends_on__gte=today)
                .order_by("starts_on", "code")[:ROWS]
            ),
            "can_decide": actor.in_group("channel_manager"),
            "decision_form": DecisionForm(),
        },
    )


@area_required("pricing")
@require_POST
def promotion_decide(request, pk, decision):
    """A channel manager approves or rejects (with a reason) a pending promotion."""
    actor = _reader(request)
    if not actor.manufacturer or decision not in ("approve", "reject"):
        raise Http404
    promotion = get_object_or_404(selectors.promotion_list_visible_to(request), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_page_url("to-decide"))
    try:
        services.promotion_decide(
            actor=request,
            promotion=promotion,
            approve=decision == "approve",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    else:
        messages.success(
            request,
            _("Promotion of %(dealer)s in %(campaign)s decided.")
            % {"dealer": promotion.dealer.code, "campaign": promotion.campaign.code},
        )
    return redirect(_page_url("to-decide"))


@area_required("pricing")
@require_GET
def material_download(request, pk):
    """A campaign's material, as a download through the scoped view (never a media URL)."""
    _reader(request)
    material = get_object_or_404(selectors.campaign_material_visible_to(request), pk=pk)
    return download_response(
        material.file, filename=material.name, content_type=material.content_type
    )
