"""Credits other concerns book into a dealer's statement (DOMAIN.md §13 price protection,
§14 MDF payments), and the one rule for which draft a booked amount goes into.

A credit is a `StatementComponent` of a `CREDIT_KINDS` kind, booked exactly once per
(dealer, kind, source key) — a unique constraint makes it so under concurrency — into the
draft of the month it belongs to, or, when that month's statement is already approved or
paid, into the current month's draft. The statement run keeps booked components as they
are and counts them in the total.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from commissions import calculations as calc
from commissions.models import CommissionStatement, StatementComponent
from portal.periods import Month


def draft_for_booking(dealer, month: Month, now: dt.datetime) -> CommissionStatement:
    """The draft a booked amount of ``month`` goes into, locked (select_for_update): that
    month's statement, created if need be, or the current month's when it is approved or
    paid. Raises ``ValidationError(code="no_draft")`` when neither is a draft."""
    for period in (month, Month.current(now)):
        statement, _c = CommissionStatement.objects.select_for_update().get_or_create(
            dealer=dealer, period=period.first_day, defaults={"currency": dealer.currency}
        )
        if not statement.is_locked:
            return statement
    raise ValidationError(_("No draft statement to book this into."), code="no_draft")


def retotal(statement: CommissionStatement) -> None:
    """Set and save a statement's total as the sum of its components."""
    total = statement.components.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    statement.total = total.quantize(calc.CENT)
    statement.save(update_fields=["total"])


def book_credit(
    *,
    dealer,
    kind: str,
    amount: Decimal,
    source_key: str,
    derivation: dict,
    month: Month,
    now: dt.datetime | None = None,
    created_by: str = "system",
) -> StatementComponent | None:
    """Book ``amount`` of ``kind`` (one of ``StatementComponent.CREDIT_KINDS``) for ``dealer``
    into the draft of ``month`` (see `draft_for_booking`), exactly once per
    (dealer, kind, source_key). Returns the component, or None when it was already booked
    (by an earlier or a concurrent call). Safe to call any number of times."""
    if kind not in StatementComponent.CREDIT_KINDS:
        raise ValueError(f"not a credit kind: {kind}")
    if not source_key:
        raise ValueError("a credit needs a source key")
    amount = Decimal(amount).quantize(calc.CENT)
    now = now or timezone.now()
    with transaction.atomic():
        if StatementComponent.objects.filter(
            dealer=dealer, kind=kind, source_key=source_key
        ).exists():
            return None
        statement = draft_for_booking(dealer, month, now)
        try:
            with transaction.atomic():
                row = StatementComponent.objects.create(
                    statement=statement,
                    dealer=dealer,
                    kind=kind,
                    amount=amount,
                    derivation=derivation,
                    source_key=source_key,
                    created_by=created_by,
                )
        except IntegrityError:
            return None  # booked meanwhile by a concurrent call
        retotal(statement)
        return row
