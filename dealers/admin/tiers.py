"""Staff UI for tiers, certifications and the tier record (evaluations, changes)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dealers import services
from dealers.admin._common import ReadOnlyAdmin
from dealers.models import Certification, CertificationProgram, Tier, TierChange, TierEvaluation


@admin.register(Tier)
class TierAdmin(SimpleHistoryAdmin):
    list_display = (
        "rank",
        "code",
        "name",
        "name_zh_hans",
        "name_zh_hant",
        "min_certified_users",
        "min_trailing_sales",
        "min_score",
        "priority_support",
        "early_access",
        "named_contact",
    )
    list_filter = ("priority_support", "early_access", "named_contact")
    search_fields = ("code", "name", "name_zh_hans", "name_zh_hant")


@admin.register(CertificationProgram)
class CertificationProgramAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "validity_months", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name")


@admin.register(Certification)
class CertificationAdmin(SimpleHistoryAdmin):
    list_display = ("user", "dealer", "program", "passed_on", "expires_on", "score")
    list_filter = ("program", "program__level", "dealer__tier")
    search_fields = ("user__username", "user__email", "dealer__code", "program__code")
    autocomplete_fields = ("user", "dealer")
    list_select_related = ("user", "dealer", "program")
    date_hierarchy = "expires_on"

    def get_readonly_fields(self, request, obj=None):
        return ("dealer", "expires_on") if obj is None else ()

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["exclude"] = ["dealer", "expires_on"]
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            obj.full_clean()
            obj.save()
            return
        created = services.certification_record(
            user=obj.user, program=obj.program, passed_on=obj.passed_on, score=obj.score
        )
        obj.pk = created.pk


@admin.register(TierEvaluation)
class TierEvaluationAdmin(ReadOnlyAdmin):
    list_display = (
        "dealer",
        "period",
        "outcome",
        "tier_before",
        "eligible_tier",
        "tier_after",
        "trailing_sales",
        "score",
        "evaluated_on",
    )
    list_filter = ("period", "outcome", "tier_after")
    search_fields = ("dealer__code", "dealer__name", "period")
    list_select_related = ("dealer", "tier_before", "eligible_tier", "tier_after")


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyAdmin):
    list_display = ("dealer", "from_tier", "to_tier", "changed_at", "changed_by", "reason")
    list_filter = ("to_tier", "from_tier")
    search_fields = ("dealer__code", "dealer__name", "reason")
    list_select_related = ("dealer", "from_tier", "to_tier")
    date_hierarchy = "changed_at"
