"""Notify people: a row in the portal's notification centre, and an e-mail after commit.

Every app notifies through :func:`notification_send`; nothing sends mail directly.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from portal.models import Notification, User
from portal.site import absolute


def notification_send(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Create one notification per distinct active recipient; e-mail them once the
    surrounding transaction commits (nothing is sent for a rolled-back change).

    ``title`` and ``body`` are final text; callers render them in the recipient's language
    (see :func:`in_language_of`)."""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user, kind=kind, title=title[:200], body=body, url=url, emailed=email
            )
            for user in unique.values()
        ]
    )
    if email:
        # absolute now: the request's address is known here, not after commit
        link = absolute(url)
        addresses = [(user.email, title, body, link) for user in unique.values() if user.email]

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


def in_language_of(user: User):
    """Context manager: render text in the user's preferred language (default English)."""
    return translation.override(user.preferred_language or settings.LANGUAGE_CODE)


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
