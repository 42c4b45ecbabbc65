"""Forms of the deal-registration pages; the services decide (the forms only parse)."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from dealers.models import ProductLine, Region
from portal.inputs import MAX_TEXT


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name_zh or obj.name}"


class DealRegistrationForm(forms.Form):
    customer_name = forms.CharField(
        label=_("End customer"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "off",
                # duplicate hints while the name is typed (htmx, deals:hints)
                "hx-get": reverse_lazy("deals:hints"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#deal-hints",
                "hx-include": "#id_customer_region",
            }
        ),
    )
    customer_region = RegionChoiceField(
        label=_("Customer's city or province"),
        queryset=Region.objects.filter(kind__in=[Region.Kind.PROVINCE, Region.Kind.CITY]).order_by(
            "code"
        ),
        widget=forms.Select(
            attrs={
                "class": "form-select",
                "hx-get": reverse_lazy("deals:hints"),
                "hx-trigger": "change",
                "hx-target": "#deal-hints",
                "hx-include": "#id_customer_name",
            }
        ),
    )
    customer_credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Optional; when given, it identifies the customer."),
    )
    customer_email = forms.EmailField(
        label=_("Customer contact e-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"class": "form-control"}),
    )
    product_lines = forms.ModelMultipleChoiceField(
        label=_("Product lines"),
        queryset=ProductLine.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
    )
    estimated_amount = forms.DecimalField(
        label=_("Estimated amount"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )
    expected_close_on = forms.DateField(
        label=_("Expected close date"),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )


class ExtensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why more time"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
