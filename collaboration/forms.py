"""Portal forms: meetings and action items (validation is the models' ``clean()``)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from collaboration.models import ActionItem, Meeting
from portal.models import User


class DateInput(forms.DateInput):
    input_type = "date"


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["dealer", "title", "held_on", "agenda", "minutes", "decisions"]
        widgets = {
            "held_on": DateInput(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, dealer_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if dealer_choices is None:  # a dealer's user, or an existing meeting: fixed dealer
            del self.fields["dealer"]
        else:
            self.fields["dealer"].queryset = dealer_choices
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


def owner_choices(dealer):
    """Who may own a dealer's action item: its users and active staff."""
    return User.objects.filter(
        Q(membership__dealer=dealer) | Q(is_staff=True), is_active=True
    ).order_by("username")


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "owner", "due_on", "description"]
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, dealer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices(dealer)
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ActionItem.Status.choices)
