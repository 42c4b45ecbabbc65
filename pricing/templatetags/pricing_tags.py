"""``{% price_discipline_panel %}``: the price-discipline panel the dashboards include (the
staff dashboard within its region filter; a dealer's its own sales)."""

from django import template
from django.utils.translation import gettext as _

from dealers.models import Region
from portal.access import actor_from
from portal.periods import Month, PeriodError
from pricing.discipline import chart, price_discipline

register = template.Library()


@register.inclusion_tag("pricing/_discipline_panel.html", takes_context=True)
def price_discipline_panel(context):
    request = context["request"]
    actor = actor_from(request)
    region = context.get("region")
    if region is not None and not isinstance(region, Region):
        region = None
    try:
        month = Month.parse(request.GET.get("discipline_month") or Month.current())
    except PeriodError:
        month = Month.current()
    figures = price_discipline(who=request, month=month, region=region)
    share = _("share at or above floor (%)")
    return {
        "staff": actor.manufacturer,
        "discipline": figures,
        "region_chart": chart(figures["by_region"], share),
        "dealer_chart": chart(figures["by_dealer"], share),
    }
