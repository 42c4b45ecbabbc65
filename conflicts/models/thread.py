"""A ticket's thread and timeline: comments, attachments and events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conflicts.models.policies import Priority
from conflicts.models.tickets import Ticket
from portal.access import TenantQuerySet
from portal.clock import format_instant
from portal.files import stored_name
from portal.inputs import MAX_TEXT


class TicketCommentQuerySet(TenantQuerySet):
    tenant_field = "ticket__dealer"

    def dealer_filter(self, dealer_id: int) -> models.Q:
        return (
            models.Q(ticket__dealer=dealer_id) | models.Q(ticket__counterparty=dealer_id)
        ) & models.Q(internal=False)


class TicketComment(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_label = models.CharField(_("author"), max_length=200, blank=True)
    by_staff = models.BooleanField(_("by the manufacturer"), default=False)
    internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Internal notes are seen by staff only.")
    )
    body = models.TextField(_("text"), max_length=MAX_TEXT)
    created_at = models.DateTimeField(_("written"))

    objects = TicketCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["ticket", "created_at", "pk"]

    def __str__(self):
        return f"#{self.ticket_id} {self.author_label}: {self.body[:40]}"


class TicketAttachmentQuerySet(TicketCommentQuerySet):
    def dealer_filter(self, dealer_id: int) -> models.Q:
        return models.Q(ticket__dealer=dealer_id) | models.Q(ticket__counterparty=dealer_id)


def attachment_path(instance, filename):
    # Never the uploaded name: a generated one with the extension of the checked type (the
    # user's name is kept in ``name``, for display and download only).
    return f"tickets/{instance.ticket_id}/{stored_name(instance.content_type)}"


class TicketAttachment(models.Model):
    """A PDF, JPEG or PNG of at most 10 MB, checked by content (DOMAIN.md §3.1)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments"
    )
    comment = models.ForeignKey(
        TicketComment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by_label = models.CharField(_("uploaded by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = TicketAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["ticket", "created_at", "pk"]

    def __str__(self):
        return self.name


class TicketEvent(models.Model):
    """The timeline: every change to a ticket."""

    class Kind(models.TextChoices):
        OPENED = "opened", pgettext_lazy("ticket event", "opened")
        COMMENTED = "commented", _("commented")
        NOTE = "note", _("internal note")
        FIRST_RESPONSE = "first_response", _("first response")
        STATUS = "status", pgettext_lazy("ticket event", "status changed")
        PRIORITY = "priority", _("priority or category changed")
        ASSIGNED = "assigned", _("assigned")
        ATTACHED = "attached", _("file attached")
        WARNED = "warned", _("80 % warning sent")
        ESCALATED = "escalated", _("escalated")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("when"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    public = models.BooleanField(_("shown to dealers"), default=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["ticket", "at", "pk"]

    def __str__(self):
        return f"#{self.ticket_id} {self.kind} {format_instant(self.at, offset=False)}"

    @property
    def detail_label(self) -> str:
        """A short, translated detail for the timeline (the new status, the level …)."""
        if self.kind == self.Kind.STATUS and self.data.get("new") in Ticket.Status.values:
            return str(Ticket.Status(self.data["new"]).label)
        if self.kind == self.Kind.PRIORITY:
            new = self.data.get("new", {})
            if new.get("priority") in Priority.values:
                return str(Priority(new["priority"]).label)
        if self.kind == self.Kind.ESCALATED:
            return f"L{self.data.get('level')}"
        return ""
