from django import template

from commissions.explain import explain, step_mode_label

register = template.Library()


@register.simple_tag
def how_we_computed(component):
    return explain(component.kind, component.amount, component.derivation, component.reason)


@register.filter
def percent(rate):
    """0.035 → 3.5 %"""
    if rate is None:
        return ""
    value = (rate * 100).normalize()
    return f"{value:f} %"


@register.filter(name="step_mode_label")
def step_mode_label_filter(value):
    return step_mode_label(value)
