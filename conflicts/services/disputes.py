"""Disputes: a dealer opens a ``commission`` ticket about an object it may see (a
statement component, a sale line …), named ``app_label.model:pk``."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils.translation import gettext as _

from conflicts.models import Category, Priority, Ticket
from conflicts.services._common import _error
from conflicts.services.tickets import ticket_open
from portal.access import actor_from


def subject_parse(text: str):
    """``app_label.model:pk`` → (model class, pk); ValidationError when malformed."""
    try:
        label, pk = text.rsplit(":", 1)
        app_label, model_name = label.split(".", 1)
        model = apps.get_model(app_label, model_name)
        pk = int(pk)
    except (ValueError, LookupError):
        raise _error("subject", _("Unknown subject."), "invalid") from None
    return model, pk


def subject_resolve(*, who, text: str):
    """The object named by ``text`` if ``who`` may see it (``Model.objects.visible_to``);
    ObjectDoesNotExist otherwise (the caller answers 404)."""
    model, pk = subject_parse(text)
    manager = model._default_manager
    if not hasattr(manager, "visible_to"):
        raise ObjectDoesNotExist(text)
    return manager.visible_to(who).get(pk=pk)


@transaction.atomic
def ticket_open_dispute(*, actor, subject, title: str, body: str) -> Ticket:
    """A dealer disputes an object it may see (a statement component, a sale line …): a
    ``commission`` ticket linked to it (generic relation)."""
    actor_obj = actor_from(actor)
    manager = type(subject)._default_manager
    if (
        not hasattr(manager, "visible_to")
        or not manager.visible_to(actor_obj).filter(pk=subject.pk).exists()
    ):
        raise ObjectDoesNotExist("subject")
    dealer = actor_obj.dealer if actor_obj.is_dealer else getattr(subject, "dealer", None)
    if dealer is None:
        raise _error("subject", _("This object belongs to no dealer."), "invalid")
    if not (title or "").strip():
        raise _error("title", _("Give the dispute a title."), "blank")
    return ticket_open(
        actor=actor_obj,
        dealer=dealer,
        category=Category.COMMISSION,
        priority=Priority.NORMAL,
        title=title,
        description=body,
        subject=subject,
    )
