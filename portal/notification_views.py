"""The notification centre (DOMAIN.md §9): list, unread badge, mark read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import selectors
from portal.notifications import notification_mark_read

# --- notification centre -----------------------------------------------------------------


@login_required
@require_GET
def notification_list(request):
    qs = selectors.notification_list_for(request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/notifications/list.html",
        {"page": page, "unread_only": bool(request.GET.get("unread"))},
    )


@login_required
@require_GET
def notification_badge(request):
    """The navbar's unread count (loaded by htmx, so pages pay no query for it)."""
    count = selectors.notification_unread_count(request.user)
    return render(request, "portal/notifications/_badge.html", {"unread_count": count})


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(selectors.notification_list_for(request.user), pk=pk)
    notification_mark_read(user=request.user, ids=[notification.pk])
    notification.refresh_from_db()
    if request.htmx:
        return render(request, "portal/notifications/_row.html", {"n": notification})
    if notification.url.startswith("/") and request.POST.get("follow"):
        return redirect(notification.url)
    return redirect("site:notification-list")


@login_required
@require_POST
def notification_read_all(request):
    count = notification_mark_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("site:notification-list")


# --- announcements -----------------------------------------------------------------------
