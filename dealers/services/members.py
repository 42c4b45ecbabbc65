"""A dealer's users: the owner invites and removes them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dealers.models import Dealer, DealerMembership
from dealers.services._common import _require_owner, _user_invite
from portal.models import User


@transaction.atomic
def member_invite(
    *,
    dealer: Dealer,
    invited_by: User,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = DealerMembership.Role.MEMBER,
) -> User:
    """The dealer's owner invites a user of its own dealer (e-mail with a set-password link)."""
    _require_owner(invited_by, dealer)
    if role not in DealerMembership.Role.values:
        raise ValidationError({"role": _("Unknown role.")}, code="invalid_choice")
    return _user_invite(
        dealer=dealer,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        invited_by=invited_by,
    )


@transaction.atomic
def member_remove(*, membership: DealerMembership, removed_by: User) -> DealerMembership:
    """The owner removes a user of its own dealer: the user can no longer log in; its
    history (certifications, tickets) stays. Owners cannot remove themselves."""
    membership = (
        DealerMembership.objects.select_for_update()
        .select_related("user", "dealer")
        .get(pk=membership.pk)
    )
    _require_owner(removed_by, membership.dealer)
    if membership.user_id == removed_by.pk:
        raise ValidationError(_("You cannot remove yourself."), code="cannot_remove_self")
    user = membership.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    return membership
