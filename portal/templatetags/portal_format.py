"""Numbers for people: ``{{ amount|money:currency }}`` → ``272,415.00 CNY`` in every language
(grouped with the active language's format, portal/formats/)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def money(amount, currency=""):
    """An amount with two decimals, grouped by thousands, followed by its currency code;
    blank for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return amount
    text = number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text} {currency}".strip()
