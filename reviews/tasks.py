from celery import shared_task

from dealers.models import Dealer
from portal.clock import manufacturer_today
from portal.periods import Quarter
from reviews import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def quarterly_reviews(quarter: str | None = None, dealer: str | None = None) -> dict:
    """Quarterly reviews, tier evaluation and bonuses of the quarter that just ended.

    Beat fires it at 02:00 manufacturer time on a quarter's first day (see
    ``reviews.schedule``); fired on another local day without a ``quarter`` it does nothing.
    Idempotent, so a redelivery after a killed worker (acks late) books nothing twice."""
    if quarter is None:
        today = manufacturer_today()
        if today != Quarter.of(today).first_day:
            return {"skipped": 1}
        quarter = str(Quarter.of(today).previous())
    dealer_obj = Dealer.objects.get(code=dealer) if dealer else None
    return services.quarterly_run(quarter=quarter, dealer=dealer_obj)
