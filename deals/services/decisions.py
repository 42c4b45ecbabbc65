"""What happens to a registration after submit (DOMAIN.md §12): staff approve or reject it,
the dealer asks once for 30 more days and staff grant or decline it, the dealer reports the
deal won or lost, and the daily job expires the protection that ran out.

Every change re-reads the registration under a row lock, records ``deal.status_changed``
(status changes) and notifies in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deals import calculations, selectors
from deals.models import DealRegistration
from deals.services._common import (
    S,
    check_dealer_may_write,
    check_decider,
    dealer_users,
    error,
    managers_of,
    notify,
    record_status,
    registration_url,
)
from portal.access import actor_from
from portal.clock import format_instant, manufacturer_date
from portal.job_runs import job_run
from portal.messages import Message

E = DealRegistration.Extension


def _locked(registration: DealRegistration) -> DealRegistration:
    return (
        DealRegistration.objects.select_for_update(of=("self",))
        .select_related("dealer", "customer_region")
        .get(pk=registration.pk)
    )


def _status_error(registration: DealRegistration):
    return error(
        "status",
        _("This registration is %(status)s: this step is not possible now.")
        % {"status": registration.get_status_display()},
        "invalid_status",
    )


def _tell_dealer(registration, title: str, body="", **params) -> None:
    notify(
        dealer_users(registration.dealer),
        kind="deal.status_changed",
        title=Message(title, number=registration.number, **params),
        body=body,
        url=registration_url(registration),
    )


def _change(registration: DealRegistration, status: str, *, now, fields=()) -> None:
    old = registration.status
    registration.status = status
    registration.save(update_fields=["status", *fields])
    record_status(registration, old_status=old, at=now)


@transaction.atomic
def deal_registration_approve(*, actor, registration, now: dt.datetime | None = None):
    """Approve a registration waiting for a decision (staff: the channel manager of the
    customer's region). It protects the deal for ``DEALS_PROTECTION_DAYS`` after the
    approval date, through 23:59:59 manufacturer time of the last day. Refused while another
    dealer's approved registration of the same customer still protects it."""
    now = now or timezone.now()
    registration = _locked(registration)
    who = check_decider(actor, registration)
    if not registration.is_open:
        raise _status_error(registration)
    today = manufacturer_date(now)
    holder = selectors.protected_holder(registration, today=today)
    if holder is not None:
        raise error(
            "status",
            _(
                "Another dealer's approved registration protects this customer through "
                "%(day)s: approve this one only after that one ends."
            )
            % {"day": holder.protected_until.isoformat()},
            "customer_protected",
        )
    registration.decided_at = now
    registration.decided_by = who.label
    registration.protected_until = calculations.protected_through(
        today, days=settings.DEALS_PROTECTION_DAYS
    )
    _change(
        registration, S.APPROVED, now=now, fields=["decided_at", "decided_by", "protected_until"]
    )
    _tell_dealer(
        registration,
        gettext_noop("Deal registration %(number)s approved: protected through %(day)s"),
        day=registration.protected_until,
    )
    return registration


@transaction.atomic
def deal_registration_reject(*, actor, registration, reason: str, now=None):
    """Reject a registration waiting for a decision, with a reason the dealer reads."""
    now = now or timezone.now()
    registration = _locked(registration)
    who = check_decider(actor, registration)
    if not (reason or "").strip():
        raise error("reason", _("Say why the registration is rejected."), "blank")
    if not registration.is_open:
        raise _status_error(registration)
    registration.decided_at = now
    registration.decided_by = who.label
    registration.rejection_reason = reason.strip()
    _change(
        registration, S.REJECTED, now=now, fields=["decided_at", "decided_by", "rejection_reason"]
    )
    _tell_dealer(
        registration,
        gettext_noop("Deal registration %(number)s rejected"),
        body=registration.rejection_reason,
    )
    return registration


@transaction.atomic
def deal_registration_request_extension(*, actor, registration, reason: str = "", now=None):
    """The dealer asks once, before the protection ends, for ``DEALS_EXTENSION_DAYS`` more."""
    now = now or timezone.now()
    who = actor_from(actor)
    registration = _locked(registration)
    check_dealer_may_write(who, registration)
    if registration.status != S.APPROVED:
        raise _status_error(registration)
    if registration.extension:
        raise error("extension", _("A registration is extended at most once."), "extension_used")
    if manufacturer_date(now) > registration.protected_until:
        raise error("extension", _("The protection has already ended."), "protection_ended")
    registration.extension = E.REQUESTED
    registration.extension_reason = (reason or "").strip()
    registration.extension_requested_at = now
    registration.save(update_fields=["extension", "extension_reason", "extension_requested_at"])
    notify(
        managers_of(registration),
        kind="deal.extension_requested",
        title=Message(
            gettext_noop("%(dealer)s asks to extend deal registration %(number)s"),
            dealer=registration.dealer.name,
            number=registration.number,
        ),
        body=registration.extension_reason,
        url=f"/deals/{registration.pk}/compare/",
    )
    return registration


@transaction.atomic
def deal_registration_decide_extension(*, actor, registration, grant: bool = True, now=None):
    """Staff grant (``DEALS_EXTENSION_DAYS`` more days of protection) or decline the one
    extension. Staff may also grant it without a request; never a second one."""
    now = now or timezone.now()
    registration = _locked(registration)
    check_decider(actor, registration)
    if registration.status != S.APPROVED:
        raise _status_error(registration)
    if registration.extension not in (E.NONE, E.REQUESTED):
        raise error("extension", _("A registration is extended at most once."), "extension_used")
    if not grant and registration.extension != E.REQUESTED:
        raise error("extension", _("No extension was requested."), "not_requested")
    registration.extension = E.APPROVED if grant else E.DECLINED
    registration.extension_decided_at = now
    fields = ["extension", "extension_decided_at"]
    if grant:
        registration.protected_until += dt.timedelta(days=settings.DEALS_EXTENSION_DAYS)
        fields.append("protected_until")
    registration.save(update_fields=fields)
    if grant:
        _tell_dealer(
            registration,
            gettext_noop("Deal registration %(number)s extended: protected through %(day)s"),
            day=registration.protected_until,
        )
    else:
        _tell_dealer(
            registration, gettext_noop("Extension of deal registration %(number)s declined")
        )
    return registration


def _close(actor, registration, status: str, now):
    now = now or timezone.now()
    who = actor_from(actor)
    registration = _locked(registration)
    if who.is_dealer:
        check_dealer_may_write(who, registration)
    else:
        check_decider(who, registration)
    if registration.status != S.APPROVED:
        raise _status_error(registration)
    registration.closed_at = now
    _change(registration, status, now=now, fields=["closed_at"])
    return registration


@transaction.atomic
def deal_registration_mark_won(*, actor, registration, now=None):
    """The dealer (or staff) reports an approved deal won; lines sold while it was protected
    keep naming it."""
    return _close(actor, registration, S.WON, now)


@transaction.atomic
def deal_registration_mark_lost(*, actor, registration, now=None):
    """The dealer (or staff) reports an approved deal lost: it no longer holds the customer."""
    return _close(actor, registration, S.LOST, now)


#: registrations per transaction of the expiry job
EXPIRY_CHUNK = 200


def deal_registrations_expire(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict:
    """The daily job (task ``deals.tasks.expire_deal_registrations``, command
    ``expire_deal_registrations``): every approved registration whose last day of
    protection is before today (manufacturer time), and whose extension asked in time is
    not still waiting for staff, becomes ``expired``, and its dealer is
    notified — exactly once, because each is re-read under its row lock and changed only
    while still approved (a second or concurrent run finds nothing). Recorded as a job run;
    ``dry_run`` counts and changes nothing."""
    now = now or timezone.now()
    today = manufacturer_date(now)
    # an extension asked in time waits for staff: the registration expires once it is
    # declined (or never, if granted), not under the dealer's pending request
    due = DealRegistration.objects.filter(status=S.APPROVED, protected_until__lt=today).exclude(
        extension=E.REQUESTED
    )
    with job_run(
        "expire_deal_registrations", params={"now": now.isoformat()}, dry_run=dry_run
    ) as run:
        ids = list(due.order_by("pk").values_list("pk", flat=True))
        run.set_total(len(ids))
        for start in range(0, len(ids), EXPIRY_CHUNK):
            chunk = ids[start : start + EXPIRY_CHUNK]
            with transaction.atomic():
                rows = list(
                    due.filter(pk__in=chunk)
                    .select_for_update(of=("self",))
                    .select_related("dealer")
                    .order_by("pk")
                )
                if not dry_run:
                    for registration in rows:
                        registration.closed_at = now
                        _change(registration, S.EXPIRED, now=now, fields=["closed_at"])
                        _tell_dealer(
                            registration,
                            gettext_noop("Deal registration %(number)s expired on %(day)s"),
                            body=Message(
                                gettext_noop(
                                    "Its protection ended at the end of %(day)s; register the "
                                    "customer again if the deal is still open."
                                ),
                                day=registration.protected_until,
                            ),
                            day=registration.protected_until,
                        )
            run.advance(len(chunk), expired=len(rows))
        counts = run.counts
    return {"expired": counts.get("expired", 0), "checked": len(ids), "at": format_instant(now)}
