"""Helpers shared by the deal-registration services: errors, who may decide, the event of a
status change and notifications (after commit, translated when read)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from dealers.selectors import (
    dealer_can_write,
    dealer_read_only_message,
    dealer_recipients,
    region_channel_managers,
)
from deals.models import DealRegistration
from portal import events
from portal.access import Actor, actor_from
from portal.notifications import notification_send

S = DealRegistration.Status


def error(field_name: str, message: str, code: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


def registration_url(registration: DealRegistration) -> str:
    return f"/deals/{registration.pk}/"


def check_dealer_may_write(actor: Actor, registration: DealRegistration | None = None) -> None:
    """A dealer writes only its own registrations, and only while it may write (§3.3)."""
    if not actor.is_dealer:
        return
    if registration is not None and registration.dealer_id != actor.dealer_id:
        raise DealRegistration.DoesNotExist("registration")
    if not dealer_can_write(actor.dealer):
        raise error("dealer", dealer_read_only_message(actor.dealer), "dealer_read_only")


def check_decider(who, registration: DealRegistration) -> Actor:
    """Staff decide registrations: a manufacturer key, a superuser, or a user allowed to
    change registrations who is a channel manager of the customer's region (of its nearest
    region that has any; anyone allowed when none has)."""
    actor = actor_from(who)
    if not actor.manufacturer:
        raise PermissionDenied(_("Only the manufacturer decides deal registrations."))
    if actor.api_key is not None or actor.user is None or actor.user.is_superuser:
        return actor  # a manufacturer key, the system (jobs, the demo) or a superuser
    if not actor.user.has_perm("deals.change_dealregistration"):
        raise PermissionDenied(_("You may not decide deal registrations."))
    managers = region_channel_managers(registration.customer_region)
    if managers and actor.user.pk not in {user.pk for user in managers}:
        raise PermissionDenied(
            _("Only a channel manager of the customer's region decides this registration.")
        )
    return actor


def record_status(registration: DealRegistration, *, old_status: str, at) -> None:
    """``deal.status_changed`` (DOMAIN.md §15) in the caller's transaction, scoped to the
    registration's dealer. Ids and codes only: never the customer's data of another dealer."""
    events.record(
        "deal.status_changed",
        {
            "registration": registration.pk,
            "number": registration.number,
            "dealer": registration.dealer.code,
            "old_status": old_status,
            "status": registration.status,
            "changed_at": at,
            "protected_until": registration.protected_until,
        },
        dealer=registration.dealer_id,
    )


def dealer_users(dealer) -> list:
    """Who hears about a dealer's registrations: its users whose role opens deals."""
    return list(dealer_recipients(dealer, "deals"))


def notify(recipients, *, kind: str, title, body="", url: str = "") -> None:
    """One notification per recipient in this transaction (so it exists exactly when the
    change does); the e-mail goes after commit."""
    recipients = [user for user in recipients if user is not None]
    if recipients:
        notification_send(recipients=recipients, kind=kind, title=title, body=body, url=url)


def managers_of(registration: DealRegistration) -> list:
    return region_channel_managers(registration.customer_region)
