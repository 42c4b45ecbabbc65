"""``{% price_discipline_panel %}``: the price-discipline panel of the dealer dashboard (its
own sales). Staff homes show the same template as a section (``dashboards.homes``)."""

from django import template

from pricing.discipline import discipline_context

register = template.Library()


@register.inclusion_tag("pricing/_discipline_panel.html", takes_context=True)
def price_discipline_panel(context):
    return discipline_context(context["request"])
