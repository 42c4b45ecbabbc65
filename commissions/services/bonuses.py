"""Threshold bonuses (DOMAIN.md §6.2/§6.4): quarter and annual bonuses, booked once."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commissions import calculations as calc
from commissions import selectors
from commissions.models import StatementComponent
from commissions.services.credits import draft_for_booking
from commissions.services.statements import _retotal
from dealers.selectors import annual_targets, quarterly_targets
from portal.periods import Month, Quarter


def _base_by_month(dealer, months: list[Month], now) -> tuple[list[tuple[str, Decimal]], dict]:
    """Each month's base commission (rounded, as on a statement) and the plan of the last."""
    result, last = [], None
    for month in months:
        plans = selectors.month_plans(month=month, dealer_ids=[dealer.pk], now=now)
        month_plan = plans.get(dealer.pk)
        if month_plan is None:
            continue
        net, _n = selectors.month_sales_by_dealer(month=month, dealer_ids=[dealer.pk]).get(
            dealer.pk, (Decimal("0.00"), 0)
        )
        result.append((str(month), calc.base_component(net, month_plan.terms.base_rate).amount))
        last = month_plan
    return result, last


def _book(
    dealer, component: calc.Component, bonus_period: str, after: Month, now
) -> StatementComponent | None:
    """Book a bonus into the draft of the month after the period (or, if that one is already
    approved, the current month's draft), exactly once per (dealer, period, kind)."""
    with transaction.atomic():
        if StatementComponent.objects.filter(
            dealer=dealer, kind=component.kind, bonus_period=bonus_period
        ).exists():
            return None
        try:
            statement = draft_for_booking(dealer, after, now)
        except ValidationError:
            raise ValidationError(
                _("No draft statement to book the bonus into."), code="no_draft"
            ) from None
        try:
            with transaction.atomic():
                row = StatementComponent.objects.create(
                    statement=statement,
                    dealer=dealer,
                    kind=component.kind,
                    amount=component.amount,
                    derivation=component.derivation,
                    bonus_period=bonus_period,
                    created_by="system",
                )
        except IntegrityError:
            return None  # booked meanwhile by a concurrent call
        statement.total = _retotal(statement)
        statement.save(update_fields=["total"])
        return row


def threshold_bonuses_book(
    *, dealer, year: int, quarter: int, now=None
) -> list[StatementComponent]:
    """Book the quarter bonus of (year, quarter) and, for quarter 4, the annual bonus
    (DOMAIN.md §6.2/§6.4), when the period's target is reached — the target of
    ``dealers.selectors.agreements_governing``, the one definition quarterly reviews use too
    — at the rates of the plan of the period's last month with a plan. Exactly once per (dealer, period, kind) — a unique constraint makes it so
    under concurrency; safe to call any number of times. Returns the components booked by
    this call (empty when nothing is due or it is already booked)."""
    now = now or timezone.now()
    period = Quarter(year, quarter)
    start, end = period.bounds()
    if end > now:
        raise ValidationError(_("The quarter is not over yet."), code="period_not_over")
    after = period.months()[-1].next()
    booked = []
    monthly, last = _base_by_month(dealer, period.months(), now)
    if last is not None:
        net = selectors.net_sales_by_dealer(start=start, end=end, dealer_ids=[dealer.pk]).get(
            dealer.pk, Decimal("0.00")
        )
        component = calc.quarter_bonus(
            quarter_net_sales=net,
            target=quarterly_targets(dealer_ids=[dealer.pk], quarter=period).get(dealer.pk) or 0,
            rate=last.plan.quarter_bonus_rate,
            monthly_base=monthly,
            period=str(period),
        )
        if component is not None:
            row = _book(dealer, component, str(period), after, now)
            if row is not None:
                booked.append(row)
    if quarter == 4:
        year_months = [Month(year, m) for m in range(1, 13)]
        monthly, last = _base_by_month(dealer, year_months, now)
        if last is not None:
            year_start = year_months[0].bounds()[0]
            net = selectors.net_sales_by_dealer(
                start=year_start, end=end, dealer_ids=[dealer.pk]
            ).get(dealer.pk, Decimal("0.00"))
            component = calc.annual_bonus(
                year_net_sales=net,
                target=annual_targets(dealer_ids=[dealer.pk], year=year).get(dealer.pk) or 0,
                months=last.plan.annual_bonus_months,
                monthly_base=monthly,
                period=str(year),
            )
            if component is not None:
                row = _book(dealer, component, str(year), after, now)
                if row is not None:
                    booked.append(row)
    return booked
