"""Staff UI for agreements: activate and terminate."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dealers import services
from dealers.admin._common import run_service_action
from dealers.models import Agreement


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = (
        "number",
        "dealer",
        "status",
        "starts_on",
        "ends_on",
        "quarterly_target",
        "annual_target",
        "commission_plan",
        "signed_at",
    )
    list_filter = ("status", "commission_plan")
    search_fields = ("number", "dealer__code", "dealer__name")
    autocomplete_fields = ("dealer",)
    list_select_related = ("dealer", "commission_plan")
    readonly_fields = ("status", "missing_terms", "signed_by", "signed_at", "created_at")
    date_hierarchy = "starts_on"
    actions = ["activate", "terminate"]

    @admin.action(description=_("Activate"), permissions=["change"])
    def activate(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda a: services.agreement_activate(agreement=a),
            _("%(count)s agreement(s) activated."),
        )

    @admin.action(description=_("Terminate (end today)"), permissions=["change"])
    def terminate(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda a: services.agreement_terminate(agreement=a),
            _("%(count)s agreement(s) ended."),
        )

    @admin.display(description=_("Missing before signing and activation"))
    def missing_terms(self, obj):
        """What the draft still lacks (the sign and activate services refuse without it)."""
        if obj is None or obj.pk is None or obj.status != Agreement.Status.DRAFT:
            return "—"
        missing = services.agreement_missing_terms(obj)
        return " ".join(str(m) for m in missing.values()) or _("Nothing: complete.")

    def has_delete_permission(self, request, obj=None):
        return False
