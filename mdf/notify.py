"""Notifications of marketing-fund decisions (DOMAIN.md §14) to the dealer's owners (and,
for a request awaiting the second approval, to the executives), stored as messages and
translated when read (portal.messages)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop

from dealers.selectors import dealer_recipients
from mdf.models import Claim, FundRequest
from portal.messages import Message
from portal.notifications import notification_send

URL = "/mdf/"

TEXTS = {
    "request_approved": (
        gettext_noop("Marketing funds request #%(id)s approved"),
        gettext_noop(
            "%(amount)s is reserved for “%(title)s”. Claim it within 60 days after the activity ends."
        ),
    ),
    "request_manager_approved": (
        gettext_noop("Marketing funds request #%(id)s approved by the channel manager"),
        gettext_noop("“%(title)s” (%(amount)s) now awaits an executive's approval."),
    ),
    "request_rejected": (
        gettext_noop("Marketing funds request #%(id)s rejected"),
        gettext_noop("“%(title)s”: %(reason)s"),
    ),
    "request_lapsed": (
        gettext_noop("Marketing funds request #%(id)s lapsed"),
        gettext_noop(
            "No claim was made for “%(title)s” within 60 days after it ended; %(amount)s is available again."
        ),
    ),
    "claim_approved": (
        gettext_noop("Marketing funds claim #%(id)s approved"),
        gettext_noop(
            "%(amount)s for “%(title)s” will be paid with your next commission statement. %(reason)s"
        ),
    ),
    "claim_rejected": (
        gettext_noop("Marketing funds claim #%(id)s rejected"),
        gettext_noop("“%(title)s”: %(reason)s"),
    ),
}


def _owners(dealer_id: int):
    """The dealer's users whose role covers marketing funds (portal.access.DEALER_AREAS)."""
    return list(dealer_recipients(dealer_id, "mdf"))


def _executives():
    return list(
        get_user_model().objects.filter(is_active=True, is_staff=True, groups__name="executive")
    )


def notify(
    kind: str, *, request: FundRequest, claim: Claim | None = None, amount=None, reason: str = ""
):
    title, body = TEXTS[kind]
    params = {
        "id": claim.pk if claim is not None else request.pk,
        "title": request.title,
        "amount": amount if amount is not None else request.requested_amount,
        "reason": reason,
    }
    recipients = _owners(request.dealer_id)
    if kind == "request_manager_approved":
        recipients += _executives()
    notification_send(
        recipients=recipients,
        kind=f"mdf_{kind}",
        title=Message(title, **params),
        body=Message(body, **params),
        url=URL,
    )
