"""Submitting a registration and the matching on submit (DOMAIN.md §12).

The matching runs in the submitting transaction, after locks that every submission of the
same customer takes too (PostgreSQL advisory locks on the province, the credit code and
the e-mail domain, in a fixed order): of two dealers registering one customer at the same
moment, the second waits for the first to commit, then sees it, and ends in ``conflict``.
The conflict goes up through the outbox (``deal.status_changed``); ``conflicts`` opens the
channel tickets from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dealers.models import Region
from deals import calculations, selectors
from deals.models import DealMatch, DealRegistration
from deals.services._common import (
    S,
    check_dealer_may_write,
    error,
    managers_of,
    notify,
    record_status,
)
from portal.access import actor_from
from portal.clock import manufacturer_date
from portal.messages import Message


def _lock_key(text: str) -> int:
    """A signed 64-bit advisory-lock key for ``text``."""
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


def customer_lock(registration: DealRegistration) -> None:
    """Serialise the submissions that could name the same customer (same province, credit
    code or corporate domain): transaction-scoped advisory locks, taken in key order so two
    submissions never wait on each other in a circle. SQLite (the demo) writes one
    transaction at a time anyway."""
    if connection.vendor != "postgresql":
        return
    keys = {f"deals:province:{registration.province_id}"}
    if registration.customer_credit_code:
        keys.add(f"deals:credit:{registration.customer_credit_code}")
    if registration.customer_domain:
        keys.add(f"deals:domain:{registration.customer_domain}")
    with connection.cursor() as cursor:
        for key in sorted(_lock_key(k) for k in keys):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def province_of(region: Region) -> Region | None:
    """The province of a city or province (codes nest: CN-GD-SZ → CN-GD)."""
    if region.kind == Region.Kind.PROVINCE:
        return region
    if region.kind != Region.Kind.CITY:
        return None
    code = "-".join(region.code.split("-")[:2])
    return Region.objects.filter(code=code, kind=Region.Kind.PROVINCE).first()


def registration_matches(
    registration: DealRegistration, *, line_ids: list[int], today: dt.date
) -> list[DealMatch]:
    """What the registration collides with (unsaved): other dealers' live registrations of
    the same customer and exclusive territories of other dealers (``conflict``); failing
    those, registrations with a similar name in the province (``similar``)."""
    found = []
    for other in selectors.same_customer_registrations(
        registration, line_ids=line_ids, today=today
    ):
        found.append(
            DealMatch(
                registration=registration,
                other=other,
                other_dealer_id=other.dealer_id,
                kind=DealMatch.Kind.CONFLICT,
                reasons=selectors.match_reasons(registration, other),
            )
        )
    for territory in selectors.exclusive_territories_for(
        registration, line_ids=line_ids, on_date=today
    ):
        found.append(
            DealMatch(
                registration=registration,
                territory=territory,
                other_dealer_id=territory.dealer_id,
                kind=DealMatch.Kind.CONFLICT,
                reasons=[DealMatch.Reason.TERRITORY.value],
            )
        )
    if found:
        return found
    return [
        DealMatch(
            registration=registration,
            other=other,
            other_dealer_id=other.dealer_id,
            kind=DealMatch.Kind.SIMILAR,
            reasons=[DealMatch.Reason.SIMILAR_NAME.value],
            similarity=Decimal(str(round(similarity, 3))),
        )
        for other, similarity in selectors.similar_name_registrations(
            registration, line_ids=line_ids, today=today
        )
    ]


def _number(registration: DealRegistration) -> str:
    return f"DR-{manufacturer_date(registration.submitted_at):%Y}-{registration.pk:06d}"


@transaction.atomic
def deal_registration_submit(
    *,
    actor,
    customer_name: str,
    customer_region: Region,
    product_lines,
    estimated_amount: Decimal,
    expected_close_on: dt.date,
    customer_credit_code: str = "",
    customer_email: str = "",
    notes: str = "",
    dealer=None,
    now: dt.datetime | None = None,
) -> DealRegistration:
    """Register an end customer's opportunity for ``dealer`` (a dealer for itself; staff and
    manufacturer keys name the dealer), and match it in the same transaction (§12):

    - another dealer's live registration for an overlapping product line with the same
      credit code, the same normalised name in the same province, or the same corporate
      e-mail domain, or the customer's region inside another dealer's exclusive territory
      for one of the product lines → ``conflict`` (the tickets follow through the outbox);
    - else a similar name in the province (trigram similarity ≥ 0.6) → ``under_review``;
    - else ``submitted``.

    Records ``deal.status_changed`` and tells the region's channel managers."""
    who = actor_from(actor)
    now = now or timezone.now()
    if who.is_dealer:
        if dealer is not None and dealer.pk != who.dealer_id:
            raise error("dealer", _("You may register deals only for your own dealer."), "invalid")
        dealer = who.dealer
        check_dealer_may_write(who)
    elif who.manufacturer:
        if dealer is None:
            raise error("dealer", _("This field is required."), "required")
    else:
        raise PermissionDenied(_("You may not register deals."))
    lines = list(product_lines)
    if not lines:
        raise error("product_lines", _("Name at least one product line."), "required")
    name = " ".join((customer_name or "").split())
    registration = DealRegistration(
        dealer=dealer,
        customer_name=name,
        customer_credit_code=calculations.normalise_credit_code(customer_credit_code),
        customer_region=customer_region,
        customer_email=(customer_email or "").strip(),
        customer_name_key=calculations.normalise_name(name),
        estimated_amount=estimated_amount,
        currency=dealer.currency,
        expected_close_on=expected_close_on,
        notes=notes or "",
        submitted_at=now,
        submitted_by=who.label,
    )
    registration.customer_key = calculations.customer_key(
        name=name, credit_code=registration.customer_credit_code
    )
    registration.customer_domain = calculations.corporate_domain(
        registration.customer_email, free_mail=settings.DEALS_FREE_MAIL_DOMAINS
    )
    registration.full_clean(exclude=["province"])
    if not registration.customer_name_key:
        raise error("customer_name", _("Give the customer's name."), "blank")
    if expected_close_on < manufacturer_date(now):
        raise error("expected_close_on", _("The expected close date has passed."), "in_past")
    province = province_of(customer_region)
    if province is None:
        raise error("customer_region", _("Name the customer's city or province."), "invalid_region")
    registration.province = province

    customer_lock(registration)
    registration.save()
    registration.number = _number(registration)
    registration.save(update_fields=["number"])
    line_ids = [line.pk for line in lines]
    registration.product_lines.set(line_ids)
    matches = registration_matches(registration, line_ids=line_ids, today=manufacturer_date(now))
    if matches:
        DealMatch.objects.bulk_create(matches)
        conflict = any(m.kind == DealMatch.Kind.CONFLICT for m in matches)
        registration.status = S.CONFLICT if conflict else S.UNDER_REVIEW
        registration.save(update_fields=["status"])
    record_status(registration, old_status="", at=now)
    notify(
        managers_of(registration),
        kind="deal.submitted",
        title=Message(
            gettext_noop("Deal registration %(number)s by %(dealer)s awaits a decision"),
            number=registration.number,
            dealer=dealer.name,
        ),
        body=Message(
            gettext_noop("Status: %(status)s"),
            status=Message.choice(DealRegistration, "status", registration.status),
        ),
        url=f"/deals/{registration.pk}/compare/",
    )
    return registration


__all__ = [
    "customer_lock",
    "deal_registration_submit",
    "province_of",
    "registration_matches",
]
