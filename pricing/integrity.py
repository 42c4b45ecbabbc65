"""Integrity checks of pricing, run by ``manage.py check_integrity`` (portal.integrity)."""

from django.db.models import F, Q

from pricing.models import PriceBreach


def breaches_on_their_ticket() -> list[str]:
    """Every price breach is recorded on the pricing ticket of its own line's dealer and
    product, and its line's check says it is a breach (DOMAIN.md §13)."""
    wrong = PriceBreach.objects.filter(
        ~Q(pricing_ticket__dealer_id=F("sale_line__dealer_id"))
        | ~Q(pricing_ticket__product_id=F("sale_line__product_id"))
        | ~Q(dealer_id=F("sale_line__dealer_id"))
        | Q(sale_line__price_check__isnull=True)
        | Q(sale_line__price_check__breach=False)
    ).values_list("pk", "sale_line_id", "pricing_ticket__ticket_id")
    return [
        f"price breach {pk} (sale line {line}) is not on its own pricing ticket (#{ticket}) "
        "or its line is not checked as a breach"
        for pk, line, ticket in wrong.order_by("pk")
    ]


CHECKS = [breaches_on_their_ticket]
