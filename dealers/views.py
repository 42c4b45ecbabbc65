"""Portal pages of the dealers app: the public application form and the dealer's own pages."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dealers import selectors, services
from dealers.forms import ApplicationForm, MemberInviteForm
from dealers.models import Agreement, ApplicationDocument, DealerMembership
from portal.access import actor_from, area_required
from portal.clock import manufacturer_today
from portal.files import download_response
from portal.forms import add_service_errors

#: at most this many application submissions per IP address and window
APPLY_RATE = getattr(settings, "DEALER_APPLY_RATE", (5, 3600))


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _apply_rate_exceeded(request) -> bool:
    limit, window = APPLY_RATE
    key = f"dealers:apply:{_client_ip(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


@require_http_methods(["GET", "POST"])
def apply(request):
    """The public application form: no log-in, rate-limited per IP, honeypot for bots."""
    if request.method == "POST":
        if _apply_rate_exceeded(request):
            response = render(request, "dealers/apply_limited.html", status=429)
            response["Retry-After"] = str(APPLY_RATE[1])
            return response
        form = ApplicationForm(request.POST, request.FILES)
        if form.is_spam:
            return redirect("dealers:apply_thanks")  # tell the bot nothing
        if form.is_valid():
            try:
                application = services.application_submit(
                    data=form.cleaned_data,
                    regions=form.cleaned_data["requested_regions"],
                    product_lines=form.cleaned_data["requested_product_lines"],
                    documents=form.documents(),
                    submitted_from=_client_ip(request),
                    language=translation.get_language() or "",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session["dealers_application"] = application.number
                return redirect("dealers:apply_thanks")
    else:
        form = ApplicationForm()
    return render(request, "dealers/apply.html", {"form": form})


def apply_thanks(request):
    number = request.session.pop("dealers_application", None)
    return render(request, "dealers/apply_thanks.html", {"number": number})


def application_document(request, pk):
    """A document of an application, for staff who may view applications; 404 for anyone
    else, signed in or not (never served from public media)."""
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("dealers.view_application")):
        raise Http404
    document = get_object_or_404(ApplicationDocument.objects.visible_to(request), pk=pk)
    return download_response(
        document.file, filename=document.original_name, content_type=document.content_type
    )


# --- Dealer pages -------------------------------------------------------------------------
def dealer_page(view=None, *, area: str = "company"):
    """Log-in required; for dealer users only (others get 404) whose role opens ``area``
    (403 otherwise, ``portal.access.area_required``); passes the dealer."""
    if view is None:
        return lambda view: dealer_page(view, area=area)

    @area_required(area)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        actor = actor_from(request)
        if not actor.is_dealer:
            raise Http404
        return view(request, actor.dealer, *args, **kwargs)

    return wrapper


def _context(request, dealer, **extra):
    membership = request.user.dealer_membership
    return {
        "dealer": dealer,
        "can_write": selectors.dealer_can_write(dealer),
        "is_owner": membership is not None and membership.role == DealerMembership.Role.OWNER,
        **extra,
    }


@dealer_page
def profile(request, dealer):
    return render(
        request,
        "dealers/profile.html",
        _context(
            request,
            dealer,
            agreement=selectors.dealer_current_agreement(dealer=dealer),
            progress=selectors.tier_progress(dealer=dealer),
        ),
    )


@dealer_page
def agreement(request, dealer):
    current = selectors.dealer_current_agreement(dealer=dealer)
    agreements = dealer.agreements.select_related("commission_plan", "signed_by")
    missing = (
        list(services.agreement_missing_terms(current).values())
        if current is not None and current.status == Agreement.Status.DRAFT
        else []
    )
    return render(
        request,
        "dealers/agreement.html",
        _context(request, dealer, agreement=current, agreements=agreements, missing_terms=missing),
    )


@dealer_page
def agreement_print(request, dealer, number):
    obj = get_object_or_404(
        Agreement.objects.visible_to(request).select_related("dealer", "commission_plan"),
        number=number,
    )
    territories = dealer.territories.select_related("region", "product_line").order_by(
        "product_line__code", "region__code"
    )
    return render(
        request,
        "dealers/agreement_print.html",
        {
            "agreement": obj,
            "dealer": dealer,
            "territories": territories,
            "printed_at": timezone.now(),
        },
    )


@dealer_page
@require_POST
def agreement_sign(request, dealer, number):
    obj = get_object_or_404(Agreement.objects.visible_to(request), number=number)
    try:
        services.agreement_sign(agreement=obj, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Agreement %(number)s signed.") % {"number": obj.number})
    return redirect("dealers:agreement")


@dealer_page
def territories(request, dealer):
    rows = (
        selectors.territory_list_visible_to(request)
        .filter(dealer=dealer)
        .order_by("product_line__code", "region__code", "starts_on")
    )
    today = manufacturer_today()
    return render(
        request,
        "dealers/territories.html",
        _context(request, dealer, territories=rows, today=today),
    )


@dealer_page(area="members")
@require_http_methods(["GET", "POST"])
def members(request, dealer):
    ctx = _context(request, dealer)
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST":
        if not ctx["is_owner"] or not ctx["can_write"]:
            messages.error(request, _("Only the owner of an active dealer may invite users."))
            return redirect("dealers:members")
        if form.is_valid():
            try:
                user = services.member_invite(
                    dealer=dealer, invited_by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": user.email},
                )
                return redirect("dealers:members")
    ctx.update(
        members=selectors.dealer_members(dealer=dealer),
        form=form,
        roles=DealerMembership.Role.choices,
    )
    return render(request, "dealers/members.html", ctx)


@dealer_page(area="members")
@require_POST
def member_remove(request, dealer, pk):
    membership = get_object_or_404(
        DealerMembership.objects.visible_to(request).filter(user__is_active=True), pk=pk
    )
    try:
        services.member_remove(membership=membership, removed_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(user)s can no longer log in.") % {"user": membership.user.username}
        )
    return redirect("dealers:members")


@dealer_page(area="members")
@require_POST
def member_role(request, dealer, pk):
    """The owner changes a user's role (``services.member_role_set``)."""
    membership = get_object_or_404(
        DealerMembership.objects.visible_to(request).filter(user__is_active=True), pk=pk
    )
    try:
        services.member_role_set(
            membership=membership, role=request.POST.get("role", ""), changed_by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        membership.refresh_from_db()
        messages.success(
            request,
            _("%(user)s now has the role %(role)s.")
            % {"user": membership.user.username, "role": membership.get_role_display()},
        )
    return redirect("dealers:members")


@dealer_page
def tier(request, dealer):
    return render(
        request,
        "dealers/tier.html",
        _context(
            request,
            dealer,
            progress=selectors.tier_progress(dealer=dealer),
            tiers=selectors.Tier.objects.order_by("rank"),
            history=selectors.tier_history(dealer=dealer)[:20],
        ),
    )


@dealer_page
def certifications(request, dealer):
    rows = selectors.certification_list_visible_to(request).filter(dealer=dealer)
    return render(
        request,
        "dealers/certifications.html",
        _context(request, dealer, certifications=rows, today=manufacturer_today()),
    )
