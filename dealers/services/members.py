"""A dealer's users: the owner invites and removes them, and decides each one's role
(``DealerMembership.Role``: which areas of the portal it opens, which e-mails it gets)."""

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
    role: str = DealerMembership.Role.SALES,
) -> User:
    """The dealer's owner invites a user of its own dealer (e-mail with a set-password link)."""
    _require_owner(invited_by, dealer)
    if role not in DealerMembership.Role.values:
        raise ValidationError(
            {"role": ValidationError(_("Unknown role."), code="invalid_choice")}
        )
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


@transaction.atomic
def member_role_set(
    *, membership: DealerMembership, role: str, changed_by: User
) -> DealerMembership:
    """The owner gives a user of its own dealer another role (owner, finance, sales, stock).
    An owner cannot change its own role, so a dealer always keeps an owner. The change is
    recorded in the membership's history; the user sees its new areas at its next page."""
    membership = (
        DealerMembership.objects.select_for_update()
        .select_related("user", "dealer")
        .get(pk=membership.pk)
    )
    _require_owner(changed_by, membership.dealer)
    if role not in DealerMembership.Role.values:
        raise ValidationError(
            {"role": ValidationError(_("Unknown role."), code="invalid_choice")}
        )
    if membership.user_id == changed_by.pk:
        raise ValidationError(
            {"role": ValidationError(_("You cannot change your own role."), code="own_role")}
        )
    if not membership.user.is_active:
        raise ValidationError(_("This user can no longer log in."), code="inactive_user")
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership
