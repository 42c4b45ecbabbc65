"""Portal pages of deal registration (DOMAIN.md §12).

Dealers: register a customer (with duplicate hints while the name is typed — htmx), their
registrations with the days of protection left, an extension request, won or lost. Staff:
every registration, and one registration beside what it collided with (the other dealer's
registration, the territory or the similar names), with the decisions. A dealer never sees
another dealer's registration: another's number is 404, and the hints say only that
someone holds the same or a similar name."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dealers.models import Region
from dealers.selectors import dealer_can_write
from deals import selectors, services
from deals.filters import DealRegistrationFilterSet
from deals.forms import DealRegistrationForm, ExtensionForm, RejectForm
from deals.models import DealRegistration
from portal.access import actor_from, area_required
from portal.clock import manufacturer_today
from portal.forms import add_service_errors

S = DealRegistration.Status
PAGE_SIZE = 50


def _reader(request):
    actor = actor_from(request)
    if not (actor.manufacturer or actor.is_dealer):
        raise Http404
    return actor


def _staff(request):
    actor = actor_from(request)
    if not actor.manufacturer:
        raise Http404
    return actor


def _dealer(request):
    actor = actor_from(request)
    if not actor.is_dealer:
        raise Http404
    return actor


def _flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _with_days_left(rows, today):
    """``days_left`` on each row, for the countdown of the templates."""
    for row in rows:
        row.days_left = row.protection_days_left(today)
    return rows


@area_required("deals")
@require_GET
def registration_list(request):
    actor = _reader(request)
    rows = selectors.registration_list_visible_to(request).order_by("-submitted_at", "-pk")
    filterset = DealRegistrationFilterSet(request.GET, queryset=rows)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _with_days_left(page.object_list, manufacturer_today())
    return render(
        request,
        "deals/registration_list.html",
        {
            "page": page,
            "filter": filterset,
            "staff": actor.manufacturer,
            "can_register": actor.is_dealer and dealer_can_write(actor.dealer),
            "statuses": S.choices,
        },
    )


@area_required("deals")
def registration_new(request):
    actor = _dealer(request)
    if not dealer_can_write(actor.dealer):
        messages.error(request, actor.dealer.read_only_message())
        return redirect("deals:list")
    form = DealRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.deal_registration_submit(actor=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Deal registration %(number)s submitted.") % {"number": registration.number},
            )
            return redirect("deals:detail", pk=registration.pk)
    return render(request, "deals/registration_form.html", {"form": form})


@area_required("deals")
@require_GET
def registration_hints(request):
    """htmx: what the dealer should know about the name typed so far (its own registrations
    of it; only whether another dealer holds the same or a similar one)."""
    actor = _dealer(request)
    region = None
    code = request.GET.get("customer_region", "")
    if code.isdigit():
        region = Region.objects.filter(pk=int(code)).first()
    province = services.province_of(region) if region is not None else None
    hints = selectors.registration_hints(
        dealer=actor.dealer,
        name=request.GET.get("customer_name", ""),
        province=province,
        today=manufacturer_today(),
    )
    return render(request, "deals/_hints.html", {"hints": hints})


def _visible(request, pk):
    return get_object_or_404(selectors.registration_detail_visible_to(request), pk=pk)


@area_required("deals")
@require_GET
def registration_detail(request, pk):
    actor = _reader(request)
    registration = _visible(request, pk)
    _with_days_left([registration], manufacturer_today())
    own = actor.is_dealer and actor.dealer_id == registration.dealer_id
    writable = own and dealer_can_write(actor.dealer)
    return render(
        request,
        "deals/registration_detail.html",
        {
            "registration": registration,
            "staff": actor.manufacturer,
            "can_request_extension": writable
            and registration.status == S.APPROVED
            and not registration.extension
            and registration.days_left >= 0,
            "can_close": writable and registration.status == S.APPROVED,
            "extension_form": ExtensionForm(),
        },
    )


def _run(request, service, registration, **kwargs) -> bool:
    try:
        service(actor=request, registration=registration, **kwargs)
    except ValidationError as exc:
        _flash_errors(request, exc)
        return False
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
        return False
    except ObjectDoesNotExist:
        raise Http404 from None
    return True


@area_required("deals")
@require_POST
def extension_request(request, pk):
    _dealer(request)
    registration = _visible(request, pk)
    form = ExtensionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if _run(request, services.deal_registration_request_extension, registration, reason=reason):
        messages.success(request, _("Extension requested."))
    return redirect("deals:detail", pk=registration.pk)


CLOSE = {"won": services.deal_registration_mark_won, "lost": services.deal_registration_mark_lost}


@area_required("deals")
@require_POST
def registration_close(request, pk, outcome):
    _reader(request)
    if outcome not in CLOSE:
        raise Http404
    registration = _visible(request, pk)
    if _run(request, CLOSE[outcome], registration):
        messages.success(request, _("Deal registration updated."))
    return redirect("deals:detail", pk=registration.pk)


@area_required("deals")
@require_GET
def registration_compare(request, pk):
    """Staff: the registration beside each registration or territory it collided with."""
    _staff(request)
    registration = _visible(request, pk)
    matches = list(registration.matches.all())
    # the other side of a match that was found later: registrations that matched this one
    later = list(
        selectors.registration_detail_visible_to(request).filter(matches__other=registration)
    )
    return render(
        request,
        "deals/compare.html",
        {
            "registration": registration,
            "matches": matches,
            "later": later,
            "reject_form": RejectForm(),
        },
    )


DECISIONS = {
    "approve": (services.deal_registration_approve, {}),
    "reject": (services.deal_registration_reject, None),
    "grant-extension": (services.deal_registration_decide_extension, {"grant": True}),
    "decline-extension": (services.deal_registration_decide_extension, {"grant": False}),
}


@area_required("deals")
@require_POST
def registration_decide(request, pk, decision):
    _staff(request)
    if decision not in DECISIONS:
        raise Http404
    registration = _visible(request, pk)
    service, kwargs = DECISIONS[decision]
    if kwargs is None:
        form = RejectForm(request.POST)
        kwargs = {"reason": form.cleaned_data["reason"] if form.is_valid() else ""}
    if _run(request, service, registration, **kwargs):
        messages.success(
            request,
            _("Deal registration %(number)s updated.") % {"number": registration.number},
        )
    return redirect("deals:compare", pk=registration.pk)
