"""Portal pages: dealers list, filter, open, comment on and attach files to their tickets;
the counter-party of a channel ticket sees it and its public thread."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conflicts import selectors, services
from conflicts.filters import TicketFilter
from conflicts.forms import CommentForm, DisputeForm, TicketOpenForm
from conflicts.models import Ticket, TicketAttachment
from dealers.selectors import dealer_can_write, dealer_read_only_message
from portal.access import actor_from, area_required
from portal.files import download_response
from portal.forms import add_service_errors

PAGE_SIZE = 50


def _can_write(actor) -> bool:
    if actor.manufacturer:
        return True
    return actor.is_dealer and dealer_can_write(actor.dealer)


@area_required("tickets")
def ticket_list(request):
    actor = actor_from(request)
    if not (actor.manufacturer or actor.is_dealer):
        raise Http404
    qs = selectors.ticket_list_visible_to(request).order_by("-opened_at", "-pk")
    filterset = TicketFilter(request.GET, queryset=qs)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    tickets = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "conflicts/ticket_list.html",
        {
            "filter": filterset,
            "tickets": tickets,
            "page": page,
            "query": query.urlencode(),
            "can_write": _can_write(actor),
        },
    )


@area_required("tickets")
def ticket_open(request):
    actor = actor_from(request)
    if not actor.is_dealer:
        raise Http404
    if not _can_write(actor):
        messages.error(request, dealer_read_only_message(actor.dealer))
        return redirect("conflicts:list")
    form = TicketOpenForm(
        request.POST or None,
        request.FILES or None,
        counterparties=selectors.ticket_counterparty_choices(actor.dealer).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # the ticket and its file, or nothing
                counterparty = services.ticket_counterparty_resolve(
                    actor=request, dealer=actor.dealer, code=data["counterparty"]
                )
                ticket = services.ticket_open(
                    actor=request,
                    dealer=actor.dealer,
                    category=data["category"],
                    priority=data["priority"],
                    title=data["title"],
                    description=data["description"],
                    counterparty=counterparty,
                )
                if data.get("file"):
                    services.ticket_attach(actor=request, ticket=ticket, upload=data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ticket #%(id)s opened.") % {"id": ticket.pk})
            return redirect("conflicts:detail", pk=ticket.pk)
    return render(request, "conflicts/ticket_form.html", {"form": form})


def _visible_ticket(request, pk):
    return get_object_or_404(selectors.ticket_detail_queryset(request), pk=pk)


def _subject_for(actor, ticket) -> dict | None:
    """What a dispute ticket is about (its generic subject: a statement component, a
    statement, a sale line), with a link to it when the viewer's role opens that area."""
    if ticket.subject_type_id is None:
        return None
    try:
        subject = ticket.subject
    except (AttributeError, LookupError):
        subject = None
    if subject is None:
        return {"label": _("(no longer exists)"), "url": ""}
    url = getattr(subject, "get_absolute_url", None)
    return {
        "label": getattr(subject, "dispute_label", None) or str(subject),
        "url": url() if url and actor.may(services.ticket_area(ticket)) else "",
    }


@area_required("tickets")
def ticket_detail(request, pk):
    actor = actor_from(request)
    ticket = _visible_ticket(request, pk)
    comments = selectors.ticket_comments_visible_to(request, ticket).prefetch_related("attachments")
    events = ticket.events.all() if actor.manufacturer else ticket.events.filter(public=True)
    attachments = TicketAttachment.objects.visible_to(request).filter(ticket=ticket)
    is_party = actor.manufacturer or actor.dealer_id in (ticket.dealer_id, ticket.counterparty_id)
    can_write = _can_write(actor) and is_party and ticket.status != Ticket.Status.CLOSED
    dealer_moves = []
    if actor.is_dealer and actor.dealer_id == ticket.dealer_id and can_write:
        dealer_moves = [
            (new, Ticket.Status(new).label)
            for old, new in sorted(services.DEALER_TRANSITIONS)
            if old == ticket.status
        ]
    return render(
        request,
        "conflicts/ticket_detail.html",
        {
            "ticket": ticket,
            "subject": _subject_for(actor, ticket),
            "comments": comments,
            "events": events,
            "attachments": attachments,
            "explanation": selectors.ticket_sla_explanation(ticket),
            "comment_form": CommentForm(),
            "can_write": can_write,
            "dealer_moves": dealer_moves,
            "is_counterparty": actor.dealer_id is not None
            and actor.dealer_id == ticket.counterparty_id,
        },
    )


@area_required("tickets")
@require_POST
def ticket_comment(request, pk):
    ticket = _visible_ticket(request, pk)
    form = CommentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Write a reply."))
        return redirect("conflicts:detail", pk=ticket.pk)
    try:
        with transaction.atomic():  # the reply and its file, or nothing
            comment = services.ticket_comment(
                actor=request, ticket=ticket, body=form.cleaned_data["body"]
            )
            if form.cleaned_data.get("file"):
                services.ticket_attach(
                    actor=request, ticket=ticket, upload=form.cleaned_data["file"], comment=comment
                )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except ObjectDoesNotExist:
        raise Http404 from None
    else:
        messages.success(request, _("Reply sent."))
    return redirect("conflicts:detail", pk=ticket.pk)


@area_required("tickets")
@require_POST
def ticket_transition(request, pk):
    ticket = _visible_ticket(request, pk)
    try:
        services.ticket_transition(
            actor=request, ticket=ticket, status=request.POST.get("status", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except ObjectDoesNotExist:
        raise Http404 from None
    else:
        messages.success(request, _("Ticket updated."))
    return redirect("conflicts:detail", pk=ticket.pk)


def attachment_download(request, pk, attachment_id):
    """A ticket's file, for the ticket's parties and staff; 404 for anyone else, signed in
    or not (a file is never a page to log in for, and its existence is not revealed)."""
    if not request.user.is_authenticated or not actor_from(request).may("tickets"):
        raise Http404
    ticket = _visible_ticket(request, pk)
    attachment = get_object_or_404(
        TicketAttachment.objects.visible_to(request), pk=attachment_id, ticket=ticket
    )
    return download_response(
        attachment.file, filename=attachment.name, content_type=attachment.content_type
    )


@area_required("statements")
def dispute(request):
    """``/tickets/dispute/?subject=<app_label>.<model>:<pk>``: a dealer disputes an object it
    may see (a statement component, a sale line…); POST opens a ``commission`` ticket."""
    actor = actor_from(request)
    text = request.GET.get("subject", "")
    try:
        subject = services.subject_resolve(who=request, text=text)
    except (ValidationError, ObjectDoesNotExist):
        raise Http404 from None
    form = DisputeForm(
        request.POST or None, initial={"title": _("Dispute: %(subject)s") % {"subject": subject}}
    )
    if request.method == "POST":
        if not _can_write(actor):
            messages.error(request, dealer_read_only_message(actor.dealer))
        elif form.is_valid():
            try:
                ticket = services.ticket_open_dispute(
                    actor=request,
                    subject=subject,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except ObjectDoesNotExist:
                raise Http404 from None
            else:
                messages.success(request, _("Ticket #%(id)s opened.") % {"id": ticket.pk})
                return redirect("conflicts:detail", pk=ticket.pk)
    return render(
        request, "conflicts/dispute.html", {"form": form, "subject": subject, "subject_text": text}
    )
