"""Ticket filters shared by the API and the portal list."""

import django_filters
from django.utils.translation import gettext_lazy as _

from conflicts.models import STAFF_GROUP_CHOICES, Category, Priority, Ticket
from portal.filters import IsoDateTimeFilter


class TicketFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Ticket.Status.choices, label=_("status"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("priority"))
    sla_state = django_filters.ChoiceFilter(
        field_name="current_sla_state", choices=Ticket.SlaState.choices, label=_("SLA state")
    )
    dealer = django_filters.CharFilter(field_name="dealer__code", label=_("dealer code"))
    group = django_filters.ChoiceFilter(choices=STAFF_GROUP_CHOICES, label=_("queue"))
    escalation_level = django_filters.NumberFilter(label=_("escalation level"))
    opened_after = IsoDateTimeFilter(
        field_name="opened_at", lookup_expr="gte", label=_("opened from")
    )
    opened_before = IsoDateTimeFilter(
        field_name="opened_at", lookup_expr="lt", label=_("opened before")
    )
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("search"))

    class Meta:
        model = Ticket
        fields = []
