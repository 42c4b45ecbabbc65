"""``{% price_discipline_panel %}``: the price-discipline panel of the dealer dashboard (its
own sales). Staff homes show the same template as a section (``dashboards.homes``).
``{{ rate|percent }}``: a discount or share (a fraction) in percent."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from pricing.discipline import discipline_context

register = template.Library()


@register.inclusion_tag("pricing/_discipline_panel.html", takes_context=True)
def price_discipline_panel(context):
    return discipline_context(context["request"])


@register.filter
def percent(rate):
    """A fraction as a percentage without trailing zeros, in the active language's format:
    ``0.15`` → ``15``, ``0.125`` → ``12.5`` (the template adds the sign)."""
    if rate is None or rate == "":
        return ""
    value = (Decimal(str(rate)) * 100).quantize(Decimal("0.01")).normalize()
    places = max(0, -value.as_tuple().exponent)
    return number_format(value, decimal_pos=places, use_l10n=True)
