"""Price guides (DOMAIN.md §13): created, never edited; a change is a new row from an instant
that has not passed yet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import actor_from
from pricing.models import PriceGuide


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _money(field: str, value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise _error(field, _("Enter an amount."), "invalid") from None
    if not amount.is_finite() or amount < 0:
        raise _error(field, _("Enter an amount of zero or more."), "invalid")
    if amount != amount.quantize(Decimal("0.01")):
        raise _error(field, _("Use at most two decimal places."), "max_decimal_places")
    return amount


@transaction.atomic
def price_guide_create(
    *,
    actor,
    product,
    region=None,
    effective_from: dt.datetime,
    list_price,
    floor_price,
    now: dt.datetime | None = None,
) -> PriceGuide:
    """Create the guide of ``product`` (everywhere, or in ``region``'s subtree) from
    ``effective_from`` on. Staff and manufacturer keys only. Guides are never edited back in
    time: ``effective_from`` may not be in the past (``in_past``), and an existing guide is
    never changed — a change is a new row. The floor may not exceed the list price."""
    who = actor_from(actor)
    if not who.manufacturer:
        raise PermissionDenied(_("Only the manufacturer sets price guides."))
    now = now or timezone.now()
    if effective_from is None:
        raise _error("effective_from", _("This field is required."), "required")
    if timezone.is_naive(effective_from):
        raise _error("effective_from", _("Give a time zone offset."), "naive")
    if effective_from < now:
        raise _error(
            "effective_from",
            _("Price guides are never changed back in time: choose a time from now on."),
            "in_past",
        )
    list_price = _money("list_price", list_price)
    floor_price = _money("floor_price", floor_price)
    if floor_price > list_price:
        raise _error(
            "floor_price", _("The floor price cannot be above the list price."), "above_list"
        )
    guide = PriceGuide(
        product=product,
        region=region,
        effective_from=effective_from,
        list_price=list_price,
        floor_price=floor_price,
        created_at=now,
        created_by=who.label,
    )
    try:
        with transaction.atomic():
            guide.save()
    except IntegrityError:
        raise _error(
            "effective_from",
            _("This product already has a guide for this region from this instant."),
            "duplicate",
        ) from None
    return guide
