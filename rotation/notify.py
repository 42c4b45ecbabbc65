"""Notifications of transfer steps (DOMAIN.md §16) to the dealers' owners, in each reader's
language. Before both dealers have accepted, a dealer is not told who the other one is."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dealers.models import DealerMembership
from portal.notifications import in_language_of, notification_send

URL = "/stock/transfers/"


def _owners(dealer_id: int):
    return [
        m.user
        for m in DealerMembership.objects.filter(
            dealer_id=dealer_id, role=DealerMembership.Role.OWNER, user__is_active=True
        ).select_related("user")
    ]


def _text(transfer, step: str, *, side: str) -> tuple[str, str]:
    other = transfer.destination_dealer if side == "source" else transfer.source_dealer
    named = transfer.both_accepted
    params = {
        "id": transfer.pk,
        "sku": transfer.product.sku,
        "quantity": f"{transfer.quantity.normalize():f}",
        "other": other.name if named else _("another dealer"),
    }
    if step == "proposed":
        title = _("Stock transfer #%(id)s proposed: %(quantity)s × %(sku)s") % params
        body = (
            _("Send %(quantity)s × %(sku)s to %(other)s. Accept it to go ahead.")
            if side == "source"
            else _("Receive %(quantity)s × %(sku)s from %(other)s. Accept it to go ahead.")
        ) % params
    elif step == "accepted":
        title = _("Stock transfer #%(id)s accepted by both dealers") % params
        body = (
            _("Ship %(quantity)s × %(sku)s to %(other)s.")
            if side == "source"
            else _("%(other)s will ship %(quantity)s × %(sku)s to you.")
        ) % params
    elif step == "shipped":
        title = _("Stock transfer #%(id)s shipped") % params
        body = _("%(quantity)s × %(sku)s are on their way; confirm receipt when they arrive.") % params
    elif step == "received":
        title = _("Stock transfer #%(id)s received") % params
        body = _("%(other)s confirmed receipt of %(quantity)s × %(sku)s.") % params
    else:
        title = _("Stock transfer #%(id)s cancelled") % params
        body = transfer.cancel_reason
    return title, body


#: which dealers hear of each step
RECIPIENTS = {
    "proposed": ("source", "destination"),
    "accepted": ("source", "destination"),
    "shipped": ("destination",),
    "received": ("source",),
    "cancelled": ("source", "destination"),
}


def notify_transfer(transfer, step: str) -> None:
    for side in RECIPIENTS[step]:
        dealer_id = getattr(transfer, f"{side}_dealer_id")
        for user in _owners(dealer_id):
            with in_language_of(user):
                title, body = _text(transfer, step, side=side)
            notification_send(
                recipients=[user], kind=f"transfer_{step}", title=title, body=body, url=URL
            )
