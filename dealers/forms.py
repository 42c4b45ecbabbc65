"""Forms of the dealers app's portal pages. Rules live in the models and services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dealers.models import Application, DealerMembership, ProductLine, Region
from dealers.services import document_check


class BootstrapMixin:
    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class ApplicationForm(BootstrapMixin, forms.ModelForm):
    """The public application form (DOMAIN.md §3.1)."""

    requested_regions = forms.ModelMultipleChoiceField(
        label=_("Requested regions"),
        queryset=Region.objects.order_by("code"),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    requested_product_lines = forms.ModelMultipleChoiceField(
        label=_("Requested product lines"),
        queryset=ProductLine.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
    )
    business_licence = forms.FileField(
        label=_("Business licence"), help_text=_("PDF, JPEG or PNG, at most 10 MB.")
    )
    other_document = forms.FileField(
        label=_("Other document (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )
    # Spam trap: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = Application
        fields = [
            "company_name",
            "credit_code",
            "contact_name",
            "email",
            "phone",
            "annual_revenue",
            "sales_team_size",
            "warehouse_area",
            "self_assessment",
        ]
        widgets = {"self_assessment": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()

    def _check_file(self, name):
        upload = self.cleaned_data.get(name)
        if upload:
            try:
                document_check(upload)
            except ValidationError as exc:
                raise ValidationError(exc.messages, code=exc.code) from None
        return upload

    def clean_business_licence(self):
        return self._check_file("business_licence")

    def clean_other_document(self):
        return self._check_file("other_document")

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def documents(self):
        docs = [("business_licence", self.cleaned_data["business_licence"])]
        if self.cleaned_data.get("other_document"):
            docs.append(("other", self.cleaned_data["other_document"]))
        return docs


class MemberInviteForm(BootstrapMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=DealerMembership.Role.choices, initial=DealerMembership.Role.SALES
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
