"""Notifications of transfer steps (DOMAIN.md §16) to the dealers' owners, stored as
messages and translated when read (portal.messages). Before both dealers have accepted, a
dealer is not told who the other one is."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from dealers.selectors import dealer_recipients
from portal.messages import Message
from portal.notifications import notification_send

URL = "/stock/transfers/"


def _owners(dealer_id: int):
    """The dealer's users who handle stock (owner and stock roles)."""
    return list(dealer_recipients(dealer_id, "stock"))


def _text(transfer, step: str, *, side: str) -> tuple[Message, Message | str]:
    other = transfer.destination_dealer if side == "source" else transfer.source_dealer
    params = {
        "id": transfer.pk,
        "sku": transfer.product.sku,
        "quantity": f"{transfer.quantity.normalize():f}",
        "other": other.name
        if transfer.both_accepted
        else Message(gettext_noop("another dealer")),
    }
    sending = side == "source"
    if step == "proposed":
        title = Message(gettext_noop("Stock transfer #%(id)s proposed: %(quantity)s × %(sku)s"), **params)
        body = Message(
            gettext_noop("Send %(quantity)s × %(sku)s to %(other)s. Accept it to go ahead.")
            if sending
            else gettext_noop("Receive %(quantity)s × %(sku)s from %(other)s. Accept it to go ahead."),
            **params,
        )
    elif step == "accepted":
        title = Message(gettext_noop("Stock transfer #%(id)s accepted by both dealers"), **params)
        body = Message(
            gettext_noop("Ship %(quantity)s × %(sku)s to %(other)s.")
            if sending
            else gettext_noop("%(other)s will ship %(quantity)s × %(sku)s to you."),
            **params,
        )
    elif step == "shipped":
        title = Message(gettext_noop("Stock transfer #%(id)s shipped"), **params)
        body = Message(
            gettext_noop("%(quantity)s × %(sku)s are on their way; confirm receipt when they arrive."),
            **params,
        )
    elif step == "received":
        title = Message(gettext_noop("Stock transfer #%(id)s received"), **params)
        body = Message(gettext_noop("%(other)s confirmed receipt of %(quantity)s × %(sku)s."), **params)
    else:
        title = Message(gettext_noop("Stock transfer #%(id)s cancelled"), **params)
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
        title, body = _text(transfer, step, side=side)
        notification_send(
            recipients=_owners(getattr(transfer, f"{side}_dealer_id")),
            kind=f"transfer_{step}",
            title=title,
            body=body,
            url=URL,
        )
