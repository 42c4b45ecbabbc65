"""Portal forms (dealers). Validation that reads other rows lives in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conflicts.models import Category, Priority
from portal.inputs import MAX_TEXT


class TicketOpenForm(forms.Form):
    """A dealer opens a ticket. For a channel conflict it picks the other dealer by name
    among those it may name (``selectors.ticket_counterparty_choices``); the value is the
    dealer's code, which the service checks again."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial="normal")
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=MAX_TEXT,
    )
    counterparty = forms.ChoiceField(
        label=_("Other dealer (channel conflicts only)"),
        required=False,
        help_text=_("The dealers of your regions and those you already have a ticket with."),
    )
    file = forms.FileField(label=_("Attachment (PDF, JPEG or PNG, at most 10 MB)"), required=False)

    def __init__(self, *args, counterparties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].choices = [("", _("— none —"))] + [
            (d.code, f"{d.name} ({d.code})") for d in counterparties
        ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_TEXT
    )
    file = forms.FileField(label=_("Attachment (PDF, JPEG or PNG, at most 10 MB)"), required=False)


class DisputeForm(forms.Form):
    title = forms.CharField(label=_("What is wrong?"), max_length=200)
    body = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=MAX_TEXT,
    )
