"""Webhook endpoints: create, update, rotate the secret, disable and enable (DOMAIN.md §15).

A dealer (its users or key) manages its own endpoints; the manufacturer any, and its own
(no dealer), which receive every dealer's events."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dealers.models import Dealer
from dealers.selectors import dealer_recipients
from portal.access import actor_from
from portal.models import User
from portal.notifications import in_language_of, notification_send
from webhooks.models import WebhookEndpoint
from webhooks.signing import secret_generate

#: how long the previous secret keeps signing after a rotation
ROTATION_OVERLAP = dt.timedelta(hours=24)


def _check_may_manage(actor, dealer: Dealer | None) -> None:
    actor = actor_from(actor)
    if actor.manufacturer:
        return
    if actor.is_dealer and dealer is not None and dealer.pk == actor.dealer_id:
        if not dealer.can_write():
            raise PermissionDenied(_("Your dealer account is read-only in its current state."))
        return
    raise PermissionDenied(_("You may not manage these webhook endpoints."))


@transaction.atomic
def endpoint_create(
    *, actor, dealer: Dealer | None, url: str, topics: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Create an endpoint with a new secret; returns it with the secret, which is shown to
    the caller this once. A dealer creates only its own; ``dealer=None`` (the
    manufacturer's) only the manufacturer."""
    _check_may_manage(actor, dealer)
    endpoint = WebhookEndpoint(
        dealer=dealer,
        url=(url or "").strip(),
        topics=list(topics or []),
        description=(description or "").strip(),
        secret=secret_generate(),
        created_by=actor_from(actor).label,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, endpoint.secret


def _locked(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return (
        WebhookEndpoint.objects.select_for_update(of=("self",))
        .select_related("dealer")
        .get(pk=endpoint.pk)
    )


@transaction.atomic
def endpoint_update(
    *,
    actor,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    topics: list[str] | None = None,
    description: str | None = None,
) -> WebhookEndpoint:
    """Change the URL, topics or description (the secret stays)."""
    endpoint = _locked(endpoint)
    _check_may_manage(actor, endpoint.dealer)
    if url is not None:
        endpoint.url = url.strip()
    if topics is not None:
        endpoint.topics = list(topics)
    if description is not None:
        endpoint.description = description.strip()
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(
    *, actor, endpoint: WebhookEndpoint, now: dt.datetime | None = None
) -> tuple[WebhookEndpoint, str]:
    """A new secret, shown this once. The current one keeps signing for 24 hours (both
    signatures are sent), so the receiver can switch without losing a delivery."""
    endpoint = _locked(endpoint)
    _check_may_manage(actor, endpoint.dealer)
    now = now or timezone.now()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + ROTATION_OVERLAP
    endpoint.secret = secret_generate()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return endpoint, endpoint.secret


@transaction.atomic
def endpoint_enable(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Switch a disabled endpoint back on: its pending deliveries resume (replay what it
    missed while disabled with :func:`webhooks.services.deliveries.deliveries_replay_since`)."""
    endpoint = _locked(endpoint)
    _check_may_manage(actor, endpoint.dealer)
    endpoint.is_active = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    return endpoint


@transaction.atomic
def endpoint_disable(
    *, actor, endpoint: WebhookEndpoint, reason: str = "", now: dt.datetime | None = None
) -> WebhookEndpoint:
    """Switch an endpoint off: nothing is sent to it until it is enabled again."""
    endpoint = _locked(endpoint)
    _check_may_manage(actor, endpoint.dealer)
    return _disable(endpoint, reason=reason or _("disabled by a user"), now=now or timezone.now())


def _disable(endpoint: WebhookEndpoint, *, reason: str, now: dt.datetime) -> WebhookEndpoint:
    endpoint.is_active = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = reason[:300]
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    return endpoint


def endpoint_owners(endpoint: WebhookEndpoint) -> list[User]:
    """Who is told about the endpoint: the dealer's users who manage its integrations
    (owners), or the manufacturer's superusers for a manufacturer endpoint."""
    if endpoint.dealer_id is None:
        return list(User.objects.filter(is_superuser=True, is_active=True))
    return list(dealer_recipients(endpoint.dealer_id, "integrations"))


def endpoint_disable_failing(
    *, endpoint_id: int, event_id: int, now: dt.datetime
) -> WebhookEndpoint | None:
    """After a delivery's last failed attempt (in its transaction): disable the endpoint
    and notify its owners. Returns None when it was already disabled."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    if not endpoint.is_active:
        return None
    _disable(
        endpoint,
        reason=_("Every attempt to deliver event %(event)s failed.") % {"event": event_id},
        now=now,
    )
    for owner in endpoint_owners(endpoint):
        with in_language_of(owner):
            notification_send(
                recipients=[owner],
                kind="webhook_endpoint_disabled",
                title=_("Webhook endpoint disabled: %(url)s") % {"url": endpoint.url},
                body=_(
                    "Every attempt to deliver event %(event)s to %(url)s failed, so the "
                    "endpoint was disabled. Fix the receiver, enable the endpoint again and "
                    "replay the events it missed."
                )
                % {"event": event_id, "url": endpoint.url},
                url="/webhooks/",
            )
    return endpoint


__all__ = [
    "ROTATION_OVERLAP",
    "endpoint_create",
    "endpoint_disable",
    "endpoint_disable_failing",
    "endpoint_enable",
    "endpoint_owners",
    "endpoint_rotate_secret",
    "endpoint_update",
]
