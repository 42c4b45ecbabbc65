"""``{% optional_include "app/_dashboard_dealer.html" %}``: render another app's dashboard
panel if that app provides the template, else nothing (the apps' panels arrive at merge)."""

from django import template
from django.template.loader import get_template

register = template.Library()


@register.simple_tag(takes_context=True)
def optional_include(context, template_name: str):
    try:
        panel = get_template(template_name)
    except template.TemplateDoesNotExist:
        return ""
    return panel.render(context.flatten(), context.get("request"))
