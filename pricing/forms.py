"""Forms of the promotions page; the services decide (the forms only parse)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealers.models import Region
from pricing.models import Campaign

PERCENT = Decimal("100")


class PromotionForm(forms.Form):
    """A local promotion: the discount is typed in percent (15 for 15 %) and handed to the
    service as the fraction it stores."""

    campaign = forms.ModelChoiceField(
        label=pgettext_lazy("price", "Campaign"),
        queryset=Campaign.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    discount = forms.DecimalField(
        label=_("Discount (percent of list price)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )
    starts_on = forms.DateField(
        label=_("Starts on"),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Inside your territories for the campaign's products."),
    )

    def __init__(self, *args, campaigns, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["regions"].queryset = regions

    def clean_discount(self):
        return self.cleaned_data["discount"] / PERCENT


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
