"""Portal pages for working together (DOMAIN.md §9): notification centre, announcements,
meetings and action items. Another dealer's object is 404; writes go through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from collaboration import selectors, services
from collaboration.forms import ActionItemForm, ActionItemStatusForm, MeetingForm
from collaboration.models import ActionItem, Announcement
from dealers.selectors import dealer_can_write, dealer_list_visible_to
from portal.access import actor_from, area_required
from portal.forms import add_service_errors


def _can_edit(request, dealer) -> bool:
    actor = actor_from(request)
    if actor.manufacturer:
        return request.user.has_perm("collaboration.change_meeting")
    return actor.dealer_id == dealer.pk and dealer_can_write(dealer)


@area_required("company")
@require_GET
def announcement_list(request):
    qs = selectors.announcement_list_visible_to(request, user=request.user)
    kind = request.GET.get("kind")
    if kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/announcements/list.html",
        {"page": page, "kinds": Announcement.Kind.choices, "kind": kind},
    )


@area_required("company")
@require_GET
def announcement_detail(request, pk):
    announcement = get_object_or_404(
        selectors.announcement_list_visible_to(request).prefetch_related(
            "dealers", "regions", "tiers"
        ),
        pk=pk,
    )
    if announcement.is_published and actor_from(request).is_dealer:
        # Receipts track the audience (dealers' users); staff previews are not counted.
        services.announcement_mark_read(announcement=announcement, user=request.user)
    receipts = None
    if actor_from(request).manufacturer:
        receipts = announcement.receipts.select_related("user__membership__dealer")[:200]
    return render(
        request,
        "portal/announcements/detail.html",
        {"announcement": announcement, "receipts": receipts},
    )


# --- meetings and action items -----------------------------------------------------------


@area_required("company")
@require_GET
def meeting_list(request):
    qs = selectors.meeting_list_visible_to(request)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    actor = actor_from(request)
    can_create = (
        request.user.has_perm("collaboration.add_meeting")
        if actor.manufacturer
        else dealer_can_write(actor.dealer)
    )
    return render(request, "portal/meetings/list.html", {"page": page, "can_create": can_create})


def _meeting_or_404(request, pk):
    return get_object_or_404(selectors.meeting_detail_visible_to(request), pk=pk)


@area_required("company")
@require_GET
def meeting_detail(request, pk):
    meeting = _meeting_or_404(request, pk)
    can_edit = _can_edit(request, meeting.dealer)
    return render(
        request,
        "portal/meetings/detail.html",
        {
            "meeting": meeting,
            "can_edit": can_edit,
            "item_form": ActionItemForm(dealer=meeting.dealer) if can_edit else None,
            "statuses": ActionItem.Status.choices,
        },
    )


@area_required("company")
def meeting_create(request):
    actor = actor_from(request)
    if actor.manufacturer:
        if not request.user.has_perm("collaboration.add_meeting"):
            raise PermissionDenied
        dealer_choices = dealer_list_visible_to(request)
    elif actor.is_dealer and dealer_can_write(actor.dealer):
        dealer_choices = None
    else:
        raise PermissionDenied
    form = MeetingForm(request.POST or None, dealer_choices=dealer_choices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        dealer = data.pop("dealer", None) or actor.dealer
        try:
            meeting = services.meeting_create(actor=actor, dealer=dealer, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("collaboration:meeting-detail", pk=meeting.pk)
    return render(request, "portal/meetings/form.html", {"form": form, "meeting": None})


@area_required("company")
def meeting_edit(request, pk):
    meeting = _meeting_or_404(request, pk)
    if not _can_edit(request, meeting.dealer):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=actor_from(request),
                meeting=meeting,
                **{k: form.cleaned_data[k] for k in services.MEETING_FIELDS},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("collaboration:meeting-detail", pk=meeting.pk)
    return render(request, "portal/meetings/form.html", {"form": form, "meeting": meeting})


@area_required("company")
@require_POST
def meeting_add_action_item(request, pk):
    meeting = _meeting_or_404(request, pk)
    if not _can_edit(request, meeting.dealer):
        raise PermissionDenied
    form = ActionItemForm(request.POST, dealer=meeting.dealer)
    if form.is_valid():
        try:
            services.action_item_create(
                actor=actor_from(request), meeting=meeting, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Action item added."))
            return redirect("collaboration:meeting-detail", pk=meeting.pk)
    return render(
        request,
        "portal/meetings/detail.html",
        {
            "meeting": meeting,
            "can_edit": True,
            "item_form": form,
            "statuses": ActionItem.Status.choices,
        },
        status=400,
    )


@area_required("company")
@require_GET
def action_item_list(request):
    qs = selectors.action_item_list_visible_to(request)
    status = request.GET.get("status", "open")
    if status == "open":
        qs = qs.filter(status__in=ActionItem.OPEN_STATUSES)
    elif status in ActionItem.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/action_items/list.html",
        {"page": page, "status": status, "statuses": ActionItem.Status.choices},
    )


@area_required("company")
@require_POST
def action_item_status(request, pk):
    """Change an action item's status (htmx: returns the updated row)."""
    item = get_object_or_404(selectors.action_item_list_visible_to(request), pk=pk)
    if not _can_edit(request, item.dealer):
        raise PermissionDenied
    form = ActionItemStatusForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown status."), status=400)
    try:
        item = services.action_item_update(
            actor=actor_from(request), item=item, status=form.cleaned_data["status"]
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    item = selectors.action_item_list_visible_to(request).get(pk=item.pk)
    if request.htmx:
        return render(
            request,
            "portal/action_items/_row.html",
            {"item": item, "can_edit": True, "statuses": ActionItem.Status.choices},
        )
    messages.success(request, _("Action item updated."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "collaboration:action-item-list"
    return redirect(next_url)
