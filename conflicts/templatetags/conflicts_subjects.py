"""Tickets about an object, for the pages of the apps below (a statement lists its
dispute tickets): the page includes ``conflicts/_tickets_about.html`` and this tag finds the
tickets, so that those apps never import conflicts (docs/architecture.md)."""

from django import template

from conflicts.selectors import tickets_about

register = template.Library()


@register.simple_tag(takes_context=True)
def tickets_about_objects(context, *objects):
    """The tickets the page's viewer may see whose subject is one of ``objects`` (objects or
    lists of objects), newest first: one query."""
    flat = []
    for obj in objects:
        if isinstance(obj, list | tuple) or hasattr(obj, "model"):
            flat.extend(obj)
        elif obj is not None:
            flat.append(obj)
    return tickets_about(who=context["request"], objects=flat)
