"""Batch jobs of the dealers app (run by Celery beat and by their management commands)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from dealers import selectors, services
from dealers.models import Dealer
from portal.job_runs import job_run
from portal.periods import Quarter


def end_dealer_transitions(*, today: datetime.date, dry_run: bool = False) -> list[str]:
    """Terminate every terminating dealer whose transition period ended before ``today``
    (DOMAIN.md §3.3). Idempotent; one transaction per dealer. Returns the dealer codes."""
    codes = list(selectors.dealers_past_transition(today=today).values_list("code", flat=True))
    with job_run(
        "end_dealer_transitions", params={"today": today.isoformat()}, dry_run=dry_run
    ) as run:
        run.set_total(len(codes))
        for code in codes:
            if not dry_run:
                with transaction.atomic():
                    dealer = Dealer.objects.get(code=code)
                    services.dealer_terminate(dealer=dealer, on_date=dealer.transition_ends_on)
            run.advance(terminated=1)
    return codes


def evaluate_tiers(
    *, period: str, dealer_codes: list[str] | None = None, on_date: datetime.date
) -> dict[str, str]:
    """Evaluate every non-terminated dealer (or the given ones) for ``period`` with trailing
    sales from the sale lines and no score. Returns {dealer code: outcome}."""
    period = str(Quarter.parse(period))  # a malformed quarter fails here, not per dealer
    dealers = Dealer.objects.exclude(status=Dealer.Status.TERMINATED).order_by("pk")
    if dealer_codes:
        dealers = dealers.filter(code__in=dealer_codes)
    outcomes = {}
    with job_run("evaluate_tiers", params={"period": period}) as run:
        run.set_total(dealers.count())
        for dealer in dealers:
            try:
                services.tier_evaluate(
                    dealer=dealer,
                    period=period,
                    trailing_sales=selectors.dealer_trailing_sales(dealer=dealer, period=period),
                    score=None,
                    on_date=on_date,
                )
            except ValidationError as exc:
                run.error(" ".join(exc.messages), dealer=dealer.code)
                continue
            outcome = dealer.tier_evaluations.get(period=period).outcome
            outcomes[dealer.code] = outcome
            run.advance(**{outcome: 1})
    return outcomes
