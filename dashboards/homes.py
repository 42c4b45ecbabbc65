"""Each staff group's home: a registry of sections, each shown to the groups it names.

A section is a selector (``request -> context``, constant queries) and a template. To add
one (deals to protect, price discipline, promotions, MDF claims), append a line to
``SECTIONS``; the home shows, in this order, every section of a group the user belongs to
(a superuser sees them all). Dealers have their own home (``views._dealer_dashboard``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from dashboards import sections

FINANCE, SUPPORT, LEGAL = "finance", "support", "legal"
CHANNEL_MANAGER, EXECUTIVE = "channel_manager", "executive"
TEMPLATES = "portal/dashboard/"


@dataclass(frozen=True)
class Section:
    key: str  # the section's HTML id: section-<key>
    title: str
    groups: frozenset[str]
    selector: Callable[..., dict]
    template: str


def _section(key, title, groups, selector, template) -> Section:
    return Section(key, title, frozenset(groups), selector, TEMPLATES + template)


SECTIONS: list[Section] = [
    _section(
        "statements",
        _("Statements to approve"),
        {FINANCE},
        sections.statements_to_approve,
        "_statements_to_approve.html",
    ),
    Section(
        "mdf-claims",
        _("MDF claims to decide"),
        frozenset({FINANCE}),
        sections.mdf_claims,
        "mdf/_claims_panel.html",
    ),
    _section(
        "queue", _("My ticket queue"), {SUPPORT, LEGAL}, sections.ticket_queue, "_ticket_queue.html"
    ),
    _section(
        "applications",
        _("Applications in my regions"),
        {CHANNEL_MANAGER},
        sections.region_applications,
        "_region_applications.html",
    ),
    _section(
        "region-alerts",
        _("Stock alerts in my regions"),
        {CHANNEL_MANAGER},
        sections.region_stock_alerts,
        "_region_stock_alerts.html",
    ),
    _section(
        "conflicts",
        _("Conflicts in my regions"),
        {CHANNEL_MANAGER},
        sections.region_conflicts,
        "_region_conflicts.html",
    ),
    _section(
        "deals",
        _("Deal registrations to decide"),
        {CHANNEL_MANAGER},
        sections.region_deals,
        "_region_deals.html",
    ),
    Section(
        "promotions",
        _("Promotions to decide"),
        frozenset({CHANNEL_MANAGER}),
        sections.region_promotions,
        "pricing/_promotions_panel.html",
    ),
    _section(
        "sla", _("SLA compliance"), {EXECUTIVE}, sections.sla_compliance, "_sla_compliance.html"
    ),
    Section(
        "price-discipline",
        _("Price discipline"),
        frozenset({CHANNEL_MANAGER, EXECUTIVE}),
        sections.price_discipline,
        "pricing/_discipline_panel.html",
    ),
    _section("overview", _("Channel overview"), {EXECUTIVE}, sections.overview, "_staff.html"),
]


def sections_for(user) -> list[Section]:
    """The sections of ``user``'s groups, in registry order."""
    groups = sections.staff_groups(user)
    return [section for section in SECTIONS if section.groups & groups]


def home_context(request) -> dict:
    """The staff home's context: ``home_sections`` and every section's own keys."""
    shown = sections_for(request.user)
    context: dict = {"home_sections": shown}
    for section in shown:
        context.update(section.selector(request))
    return context
