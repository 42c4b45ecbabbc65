"""Private helpers shared by the dealers services (not part of the public API)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dealers import selectors
from dealers.models import Dealer, DealerMembership
from portal.audit import current_actor
from portal.clock import manufacturer_today
from portal.messages import Message
from portal.models import User
from portal.notifications import notification_send


def _actor_label() -> str:
    actor = current_actor()
    return actor.label if actor is not None else "system"


def _today() -> datetime.date:
    return manufacturer_today()


def _locked_dealer(dealer: Dealer) -> Dealer:
    return Dealer.objects.select_for_update().select_related("tier").get(pk=dealer.pk)


def _notify_owners(
    dealer: Dealer, kind: str, title: Message, body: Message | str = "", url: str = ""
) -> None:
    """Notify the dealer's owners; each reads ``title`` and ``body`` in their own language."""
    owners = [
        m.user
        for m in dealer.memberships.filter(role=DealerMembership.Role.OWNER).select_related("user")
    ]
    notification_send(recipients=owners, kind=kind, title=title, body=body, url=url)


def _require_owner(user: User, dealer: Dealer) -> None:
    membership = user.dealer_membership
    if (
        membership is None
        or membership.dealer_id != dealer.pk
        or membership.role != (DealerMembership.Role.OWNER)
    ):
        raise ValidationError(_("Only the dealer's owner may do this."), code="not_owner")
    if not selectors.dealer_can_write(dealer):
        raise ValidationError(
            selectors.dealer_read_only_message(dealer), code="dealer_read_only"
        )


def _set_password_path(user: User) -> str:
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def _user_invite(
    *,
    dealer: Dealer,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    invited_by=None,
    language: str = "",
) -> User:
    """A new dealer user without a password, and an invitation e-mail with a link to set
    one (Django's password-reset confirmation view)."""
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("An e-mail address is required.")}, code="required")
    if (
        User.objects.filter(username__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError(
            {
                "email": ValidationError(
                    _("A user with this e-mail address already exists."), code="user_exists"
                )
            }
        )
    if language not in {code for code, _label in settings.LANGUAGES}:
        language = ""
    user = User(
        username=email,
        email=email,
        first_name=first_name,
        last_name=last_name,
        preferred_language=language,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    DealerMembership.objects.create(user=user, dealer=dealer, role=role)
    title = Message(
        gettext_noop("You are invited to Channel Portal as a user of %(dealer)s"),
        dealer=dealer.name,
    )
    body = Message(
        gettext_noop(
            "Hello %(name)s,\n\nyou now have an account on Channel Portal for %(dealer)s. "
            "Your user name is %(username)s. Open the link below to choose your password; "
            "it is valid for %(days)s days."
        ),
        name=user.get_full_name() or email,
        dealer=dealer.name,
        username=user.username,
        days=settings.PASSWORD_RESET_TIMEOUT // 86400,
    )
    notification_send(
        recipients=[user],
        kind="dealer_invitation",
        title=title,
        body=body,
        url=_set_password_path(user),
    )
    return user
