"""What the pricing app does when apps below it record events (``portal.events``);
registered in :meth:`pricing.apps.PricingConfig.ready`. Each handler runs in a transaction
that also records the event as handled, so its work is done once per event."""

from pricing.services import price_breaches_check


def check_price_breaches(event) -> None:
    """``sales.recorded``: judge the batch's lines against their price guides and open or
    append to the ``pricing`` tickets of the breaches (DOMAIN.md §13). Idempotent by itself
    as well: a line is checked once."""
    price_breaches_check(sale_line_ids=list(event.payload["sale_line_ids"]))
