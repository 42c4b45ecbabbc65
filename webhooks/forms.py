from django import forms
from django.utils.translation import gettext_lazy as _

from portal.events import TOPICS


class EndpointForm(forms.Form):
    url = forms.URLField(label=_("URL"), max_length=1000, assume_scheme="https")
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=[(topic, topic) for topic in TOPICS],
        widget=forms.CheckboxSelectMultiple,
    )
