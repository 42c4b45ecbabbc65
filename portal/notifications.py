"""Notify people: a row in the portal's notification centre, and an e-mail after commit.

Every app notifies through :func:`notification_send`; nothing sends mail directly.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from portal.messages import Message, english
from portal.models import Notification, User
from portal.site import absolute


def notification_send(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str | Message,
    body: str | Message = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Create one notification per distinct active recipient; e-mail them once the
    surrounding transaction commits (nothing is sent for a rolled-back change).

    ``title`` and ``body`` are :class:`portal.messages.Message` objects: stored as msgid and
    parameters, shown in each reader's language when read, and e-mailed in the recipient's
    preferred language. A plain string is final text, stored and sent as it is."""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    title_json, title_text = _stored(title)
    body_json, body_text = _stored(body)
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                title=title_text[:200],
                body=body_text,
                title_message=title_json,
                body_message=body_json,
                url=url,
                emailed=email,
            )
            for user in unique.values()
        ]
    )
    if email:
        # absolute now: the request's address is known here, not after commit
        link = absolute(url)
        addresses = []
        for user in unique.values():
            if user.email:
                with in_language_of(user):
                    addresses.append((user.email, str(title), str(body), link))

        def _send():
            for address, subject, text, full_link in addresses:
                send_mail(
                    subject,
                    f"{text}\n\n{full_link}".strip(),
                    settings.DEFAULT_FROM_EMAIL,
                    [address],
                    fail_silently=True,
                )

        transaction.on_commit(_send)
    return rows


def _stored(text: str | Message) -> tuple[dict, str]:
    """(the message to store, its English text as the fallback)."""
    return (text.as_json() if isinstance(text, Message) else {}), english(text)


def in_language_of(user: User):
    """Context manager: render text in the user's preferred language (default English)."""
    return translation.override(user.preferred_language or settings.LANGUAGE_CODE)


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
