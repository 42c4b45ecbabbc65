"""Portal forms (dealers). Validation that reads other rows lives in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conflicts.models import Category, Priority
from portal.inputs import MAX_TEXT


class TicketOpenForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial="normal")
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=MAX_TEXT,
    )
    counterparty = forms.CharField(
        label=_("Other dealer's code (channel conflicts only)"), max_length=32, required=False
    )
    file = forms.FileField(label=_("Attachment (PDF, JPEG or PNG, at most 10 MB)"), required=False)


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
