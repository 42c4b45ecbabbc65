"""The daily marketing-funds job (DOMAIN.md §14): expire unused accruals past their last
usable day, and lapse approved requests nobody claimed 60 days after their end. Recorded as
the ``mdf_daily`` job run; each dealer and each request in its own transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dealers.models import Dealer
from mdf import calculations as calc
from mdf.models import FundRequest, Movement
from mdf.services.ledger import fund_expire
from mdf.services.requests import request_lapse
from portal.clock import manufacturer_date
from portal.job_runs import job_run

JOB_NAME = "mdf_daily"


def mdf_daily_run(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict:
    """Expire and lapse as of ``now`` (default: now). Idempotent. Returns the counts."""
    now = now or timezone.now()
    today = manufacturer_date(now)
    with job_run(JOB_NAME, params={"now": now.isoformat()}, dry_run=dry_run) as run:
        dealer_ids = sorted(
            set(
                Movement.objects.filter(
                    kind=Movement.Kind.ACCRUAL, expires_on__lt=today
                ).values_list("dealer_id", flat=True)
            )
        )
        last_end = today - dt.timedelta(days=calc.CLAIM_DAYS + 1)
        requests = list(
            FundRequest.objects.filter(
                status=FundRequest.Status.APPROVED, ends_on__lte=last_end
            ).order_by("pk")
        )
        run.set_total(len(dealer_ids) + len(requests))
        for dealer in Dealer.objects.filter(pk__in=dealer_ids).order_by("pk"):
            with transaction.atomic():
                amount = fund_expire(dealer=dealer, today=today, dry_run=dry_run)
            run.advance(**({"expired": 1} if amount > 0 else {}))
        for request in requests:
            if dry_run:
                run.advance(would_lapse=1)
                continue
            with transaction.atomic():
                lapsed = request_lapse(request=request, now=now)
            run.advance(**({"lapsed": 1} if lapsed else {}))
        return run.counts
