"""Reads of dealer data."""

from dealers.models import Dealer


def dealer_can_write(dealer: Dealer | None) -> bool:
    """Whether a dealer's users and keys may change data (DOMAIN.md §3.3).

    Active dealers and dealers within their notice period may; suspended and terminated
    dealers, and terminating dealers past the end of notice (the transition), may not.
    """
    if dealer is None:
        return False
    if dealer.status == Dealer.Status.ACTIVE:
        return True
    if dealer.status == Dealer.Status.TERMINATING:
        from django.utils import timezone

        return dealer.notice_ends_on is None or timezone.localdate() <= dealer.notice_ends_on
    return False


def dealer_list_visible_to(who):
    return Dealer.objects.visible_to(who).select_related("tier", "region")


def region_channel_managers(region):
    """The channel managers of ``region``, or of its nearest ancestor that has any."""
    from portal.models import User

    codes = region.ancestors_and_self_codes()
    rows = list(
        User.objects.filter(managed_regions__code__in=codes, is_active=True).values_list(
            "pk", "managed_regions__code"
        )
    )
    for code in reversed(codes):
        ids = [pk for pk, c in rows if c == code]
        if ids:
            return list(User.objects.filter(pk__in=ids))
    return []
