"""The dealer lifecycle (DOMAIN.md §3.3): suspend, reinstate, notice, terminate."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dealers.models import Agreement, Dealer
from dealers.services._common import _locked_dealer, _notify_owners, _today
from dealers.services.territories import territory_end
from portal import events
from portal.messages import Message


def _invalid_transition(dealer: Dealer, target: str) -> ValidationError:
    return ValidationError(
        _("A %(status)s dealer cannot be %(target)s.")
        % {"status": dealer.get_status_display(), "target": target},
        code="invalid_transition",
    )


def _set_status(dealer: Dealer, status: str, **fields) -> Dealer:
    """Change the status and record ``dealer.status_changed`` with it (DOMAIN.md §15)."""
    old = dealer.status
    dealer.status = status
    dealer.status_changed_at = timezone.now()
    for key, value in fields.items():
        setattr(dealer, key, value)
    dealer.save(update_fields=["status", "status_changed_at", *fields])
    events.record(
        "dealer.status_changed",
        {
            "dealer": dealer.code,
            "old_status": old,
            "status": status,
            "changed_at": dealer.status_changed_at,
            "notice_ends_on": dealer.notice_ends_on,
            "transition_ends_on": dealer.transition_ends_on,
        },
        dealer=dealer,
    )
    return dealer


@transaction.atomic
def dealer_suspend(*, dealer: Dealer, reason: str = "") -> Dealer:
    """``active`` or ``terminating`` → ``suspended``: the portal and API become read-only."""
    dealer = _locked_dealer(dealer)
    if dealer.status not in (Dealer.Status.ACTIVE, Dealer.Status.TERMINATING):
        raise _invalid_transition(dealer, _("suspended"))
    _set_status(dealer, Dealer.Status.SUSPENDED)
    _notify_owners(
        dealer,
        "dealer_suspended",
        Message(gettext_noop("Your dealer account is suspended")),
        Message(
            gettext_noop("Your account is read-only until it is reinstated.%(reason)s"),
            reason=f"\n\n{reason}" if reason else "",
        ),
        url=reverse("dealers:profile"),
    )
    return dealer


@transaction.atomic
def dealer_reinstate(*, dealer: Dealer) -> Dealer:
    """``suspended`` → ``active`` (or back to ``terminating`` when notice had been given)."""
    dealer = _locked_dealer(dealer)
    if dealer.status != Dealer.Status.SUSPENDED:
        raise _invalid_transition(dealer, _("reinstated"))
    target = Dealer.Status.TERMINATING if dealer.notice_ends_on else Dealer.Status.ACTIVE
    _set_status(dealer, target)
    _notify_owners(
        dealer,
        "dealer_reinstated",
        Message(gettext_noop("Your dealer account is reinstated")),
        url=reverse("dealers:profile"),
    )
    return dealer


@transaction.atomic
def dealer_give_notice(*, dealer: Dealer, given_on: datetime.date | None = None) -> Dealer:
    """Notice of termination: the dealer becomes ``terminating``; everything works until
    ``notice_ends_on`` (given_on + the agreement's notice period), then the portal is
    read-only until ``transition_ends_on`` (+ the transition period)."""
    dealer = _locked_dealer(dealer)
    if dealer.status not in (Dealer.Status.ACTIVE, Dealer.Status.SUSPENDED):
        raise _invalid_transition(dealer, _("given notice"))
    given_on = given_on or _today()
    agreement = dealer.agreements.select_for_update().filter(status=Agreement.Status.ACTIVE).first()
    notice = (
        agreement.notice_period_days
        if agreement
        else Agreement._meta.get_field("notice_period_days").default
    )
    transition = (
        agreement.transition_period_days
        if agreement
        else Agreement._meta.get_field("transition_period_days").default
    )
    notice_ends_on = given_on + datetime.timedelta(days=notice)
    transition_ends_on = notice_ends_on + datetime.timedelta(days=transition)
    if agreement is not None:
        agreement.status = Agreement.Status.TERMINATING
        agreement.ends_on = transition_ends_on
        agreement.save(update_fields=["status", "ends_on"])
    _set_status(
        dealer,
        Dealer.Status.TERMINATING,
        notice_ends_on=notice_ends_on,
        transition_ends_on=transition_ends_on,
    )
    _notify_owners(
        dealer,
        "dealer_notice",
        Message(gettext_noop("Notice of termination")),
        Message(
            gettext_noop(
                "Notice of termination was given on %(given)s. Everything works until "
                "%(notice)s; then the portal is read-only until %(transition)s."
            ),
            given=given_on,
            notice=notice_ends_on,
            transition=transition_ends_on,
        ),
        url=reverse("dealers:agreement"),
    )
    return dealer


@transaction.atomic
def dealer_terminate(*, dealer: Dealer, on_date: datetime.date | None = None) -> Dealer:
    """End the relationship: the dealer is ``terminated`` (history stays readable), its
    agreements end and its open territory grants end on ``on_date``. Nothing is deleted."""
    dealer = _locked_dealer(dealer)
    if dealer.status == Dealer.Status.TERMINATED:
        raise _invalid_transition(dealer, _("terminated"))
    on_date = on_date or _today()
    for agreement in dealer.agreements.select_for_update().exclude(status=Agreement.Status.ENDED):
        agreement.status = Agreement.Status.ENDED
        if agreement.ends_on is None or agreement.ends_on > on_date:
            agreement.ends_on = max(on_date, agreement.starts_on)
        agreement.save(update_fields=["status", "ends_on"])
    open_grants = dealer.territories.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on_date))
    open_grants = open_grants.order_by("pk")
    for territory in open_grants:
        territory_end(territory=territory, on_date=on_date)
    _set_status(dealer, Dealer.Status.TERMINATED)
    return dealer
