"""Staff UI for territory grants, under the conflict rule of DOMAIN.md §2."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dealers import selectors, services
from dealers.admin._common import run_service_action
from dealers.models import Territory
from portal.clock import manufacturer_today


class TerritoryAdminForm(forms.ModelForm):
    class Meta:
        model = Territory
        fields = ["dealer", "region", "product_line", "starts_on", "ends_on", "exclusive"]

    def clean(self):
        data = super().clean()
        if self.errors or not all(data.get(f) for f in ("region", "product_line", "starts_on")):
            return data
        conflict = selectors.territory_conflicts(
            region=data["region"],
            product_line_id=data["product_line"].pk,
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            exclusive=data.get("exclusive", False),
            exclude_pk=self.instance.pk,
        ).first()
        if conflict is not None:
            raise ValidationError(
                _("This grant conflicts with %(grant)s.")
                % {"grant": services.territory_describe(conflict)},
                code="territory_conflict",
            )
        return data


@admin.register(Territory)
class TerritoryAdmin(SimpleHistoryAdmin):
    form = TerritoryAdminForm
    list_display = ("dealer", "product_line", "region", "starts_on", "ends_on", "exclusive")
    list_filter = ("exclusive", "product_line", "region__kind", "dealer__status")
    search_fields = (
        "dealer__code",
        "dealer__name",
        "region__code",
        "region__name",
        "region__name_zh",
        "product_line__code",
    )
    autocomplete_fields = ("dealer", "region")
    list_select_related = ("dealer", "region", "product_line")
    date_hierarchy = "starts_on"

    def save_model(self, request, obj, form, change):
        values = {f: form.cleaned_data.get(f) for f in TerritoryAdminForm.Meta.fields}
        if change:
            saved = services.territory_update(territory=obj, **values)
        else:
            saved = services.territory_grant(**values)
        obj.pk = saved.pk

    actions = ["end_today"]

    @admin.action(description=_("End the selected grants today"), permissions=["change"])
    def end_today(self, request, queryset):
        today = manufacturer_today()
        run_service_action(
            self,
            request,
            queryset,
            lambda t: services.territory_end(territory=t, on_date=today),
            _("%(count)s grant(s) ended."),
        )

    def has_delete_permission(self, request, obj=None):
        return False  # end a grant instead: history must stay
