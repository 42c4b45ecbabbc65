"""The ticket queue's list filters, its bulk-assign form and the ticket add/change forms."""

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from conflicts import selectors, services
from conflicts.models import Ticket
from dealers.models import Dealer
from portal.inputs import MAX_TEXT
from portal.models import User


class SlaStateFilter(admin.SimpleListFilter):
    title = _("SLA state")
    parameter_name = "sla_state"

    def lookups(self, request, model_admin):
        return Ticket.SlaState.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(current_sla_state=self.value())
        return queryset


class QueueFilter(admin.SimpleListFilter):
    """ "My queue" by default: the not-done tickets of the user's staff groups' queues or
    assigned to the user (a superuser's groups are all of them); "all" shows every ticket."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("mine", _("my queue")), ("all", _("all tickets"))]

    def value(self):
        return super().value() or "mine"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() != "mine":
            return queryset
        return queryset.filter(selectors.my_queue(request.user))


class RunningFilter(admin.SimpleListFilter):
    title = _("open or done")
    parameter_name = "running"

    def lookups(self, request, model_admin):
        return [("yes", _("not resolved")), ("no", _("resolved or closed"))]

    def queryset(self, request, queryset):
        done = [Ticket.Status.RESOLVED, Ticket.Status.CLOSED]
        if self.value() == "yes":
            return queryset.exclude(status__in=done)
        if self.value() == "no":
            return queryset.filter(status__in=done)
        return queryset


class AssignForm(ActionForm):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.filter(is_staff=True, is_active=True).order_by("username"),
        required=False,
        label=_("Assign to"),
    )


class TicketChangeForm(forms.ModelForm):
    """Priority, category and assignee are editable; a reply and a status move are extra
    fields handled by services."""

    reply = forms.CharField(
        label=_("Reply"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=MAX_TEXT,
    )
    reply_internal = forms.BooleanField(label=_("Internal note (staff only)"), required=False)
    new_status = forms.ChoiceField(label=_("Move to status"), required=False, choices=[])
    at = forms.DateTimeField(
        label=_("When (if it happened earlier, e.g. a phone call)"), required=False
    )

    class Meta:
        model = Ticket
        fields = ["priority", "category", "assignee"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = services.TRANSITIONS.get(Ticket.Status(self.instance.status), set())
        self.fields["new_status"].choices = [("", "—")] + [
            (value, label) for value, label in Ticket.Status.choices if value in allowed
        ]
        self.fields["assignee"].queryset = User.objects.filter(is_staff=True, is_active=True)


class TicketAddForm(forms.ModelForm):
    opened_at = forms.DateTimeField(
        label=_("Opened at (if earlier, e.g. a phone call)"), required=False
    )

    class Meta:
        model = Ticket
        fields = ["dealer", "counterparty", "category", "priority", "title", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].initial = "normal"
        self.fields["dealer"].queryset = Dealer.objects.order_by("code")

    def _post_clean(self):  # the service validates (and sets the SLA fields)
        pass
