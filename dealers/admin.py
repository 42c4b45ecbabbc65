"""Staff UI for dealers: every write goes through ``dealers.services``."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from dealers import selectors, services
from dealers.models import (
    Agreement,
    Application,
    ApplicationDocument,
    Certification,
    CertificationProgram,
    Dealer,
    DealerMembership,
    ProductLine,
    Region,
    Territory,
    Tier,
    TierChange,
    TierEvaluation,
)
from portal.clock import manufacturer_today


def run_service_action(modeladmin, request, queryset, call, done_message):
    """Apply ``call(obj)`` to each selected object, each in its own transaction; report
    successes and every refusal with its reason."""
    done = 0
    for obj in queryset:
        try:
            with transaction.atomic():
                call(obj)
        except ValidationError as exc:
            modeladmin.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "name_zh", "kind", "parent", "time_zone")
    list_filter = ("kind",)
    search_fields = ("code", "name", "name_zh")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("channel_managers",)
    list_select_related = ("parent",)


@admin.register(ProductLine)
class ProductLineAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "beta")
    list_filter = ("beta",)
    search_fields = ("code", "name")


@admin.register(Tier)
class TierAdmin(SimpleHistoryAdmin):
    list_display = (
        "rank",
        "code",
        "name",
        "min_certified_users",
        "min_trailing_sales",
        "min_score",
        "priority_support",
        "early_access",
        "named_contact",
    )
    list_filter = ("priority_support", "early_access", "named_contact")
    search_fields = ("code", "name")


class MembershipInline(ReadOnlyInline):
    model = DealerMembership
    fields = ("user", "role", "created_at")
    readonly_fields = fields


def _table(headers, rows):
    """A small read-only HTML table for the dealer page (not an inline formset, so the
    change form posts only the dealer and its memberships)."""
    if not rows:
        return "—"
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows),
    )
    return format_html('<table class="dealer-related"><tr>{}</tr>{}</table>', head, body)


@admin.register(Dealer)
class DealerAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "status", "tier", "region", "notice_ends_on")
    list_filter = ("status", "tier", "region__parent")
    search_fields = ("code", "name", "credit_code", "email", "contact_name")
    autocomplete_fields = ("region", "support_contact")
    list_select_related = ("tier", "region")
    readonly_fields = (
        "status",
        "tier",
        "status_changed_at",
        "notice_ends_on",
        "transition_ends_on",
        "created_at",
        "agreements_table",
        "territories_table",
        "tier_changes_table",
    )
    inlines = [MembershipInline]
    actions = ["suspend", "reinstate", "give_notice", "terminate", "evaluate_tier_now"]

    @admin.display(description=_("agreements"))
    def agreements_table(self, obj):
        rows = [
            (a.number, a.get_status_display(), a.starts_on, a.ends_on or "", a.signed_at or "")
            for a in obj.agreements.all()
        ]
        return _table(
            [_("number"), _("status"), _("effective from"), _("effective until"), _("signed")], rows
        )

    @admin.display(description=_("territories"))
    def territories_table(self, obj):
        rows = [
            (
                t.pk,
                t.product_line.code,
                t.region.code,
                t.starts_on,
                t.ends_on or "",
                _("exclusive") if t.exclusive else "",
            )
            for t in obj.territories.select_related("product_line", "region")
        ]
        return _table(
            ["#", _("product line"), _("region"), _("starts on"), _("ends on"), _("exclusive")],
            rows,
        )

    @admin.display(description=_("tier changes"))
    def tier_changes_table(self, obj):
        rows = [
            (c.changed_at.date(), c.from_tier.code, c.to_tier.code, c.reason)
            for c in obj.tier_changes.select_related("from_tier", "to_tier")
        ]
        return _table([_("changed"), _("from"), _("to"), _("reason")], rows)

    def get_readonly_fields(self, request, obj=None):
        # The tier of a new dealer is chosen once; afterwards evaluations change it.
        if obj is None:
            return (
                "status",
                "status_changed_at",
                "notice_ends_on",
                "transition_ends_on",
                "created_at",
            )
        return self.readonly_fields

    @admin.action(description=_("Suspend (portal and API read-only)"), permissions=["change"])
    def suspend(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda d: services.dealer_suspend(dealer=d),
            _("%(count)s dealer(s) suspended."),
        )

    @admin.action(description=_("Reinstate"), permissions=["change"])
    def reinstate(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda d: services.dealer_reinstate(dealer=d),
            _("%(count)s dealer(s) reinstated."),
        )

    @admin.action(description=_("Give notice of termination (today)"), permissions=["change"])
    def give_notice(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda d: services.dealer_give_notice(dealer=d),
            _("Notice given to %(count)s dealer(s)."),
        )

    @admin.action(description=_("Terminate now"), permissions=["change"])
    def terminate(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda d: services.dealer_terminate(dealer=d),
            _("%(count)s dealer(s) terminated."),
        )

    @admin.action(
        description=_("Evaluate tier now (last completed quarter)"), permissions=["change"]
    )
    def evaluate_tier_now(self, request, queryset):
        changed = 0
        for dealer in queryset:
            change = services.tier_evaluate_now(dealer=dealer)
            if change is not None:
                changed += 1
                self.message_user(request, f"{dealer.code}: {change.reason}", messages.INFO)
        self.message_user(
            request,
            ngettext(
                "%(n)s dealer evaluated, %(c)s tier change.",
                "%(n)s dealers evaluated, %(c)s tier changes.",
                queryset.count(),
            )
            % {"n": queryset.count(), "c": changed},
            messages.SUCCESS,
        )


@admin.register(DealerMembership)
class DealerMembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "dealer", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "dealer__code", "dealer__name")
    autocomplete_fields = ("user", "dealer")
    list_select_related = ("user", "dealer")


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
    readonly_fields = ("status", "signed_by", "signed_at", "created_at")
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

    def has_delete_permission(self, request, obj=None):
        return False


class ApplicationDocumentInline(ReadOnlyInline):
    model = ApplicationDocument
    fields = ("kind", "link", "content_type", "size", "uploaded_at")
    readonly_fields = fields
    show_change_link = False

    @admin.display(description=_("file"))
    def link(self, obj):
        url = reverse("dealers:application_document", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(admin.ModelAdmin):
    list_display = ("application", "kind", "original_name", "content_type", "size", "uploaded_at")
    list_filter = ("kind", "content_type")
    search_fields = ("application__number", "application__company_name", "original_name")
    list_select_related = ("application",)
    readonly_fields = (
        "application",
        "kind",
        "download",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_at",
    )
    exclude = ("file",)

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("dealers:application_document", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = (
        "number",
        "company_name",
        "credit_code",
        "status",
        "weighted_score_display",
        "recommendation_display",
        "submitted_at",
    )
    list_filter = ("status", "requested_product_lines", "requested_regions__parent")
    search_fields = ("number", "company_name", "credit_code", "contact_name", "email")
    date_hierarchy = "submitted_at"
    inlines = [ApplicationDocumentInline]
    actions = ["start_review", "approve", "reject"]
    fieldsets = (
        (
            _("Applicant"),
            {
                "fields": (
                    "number",
                    "status",
                    "company_name",
                    "credit_code",
                    "contact_name",
                    "email",
                    "phone",
                    "regions_display",
                    "product_lines_display",
                    "annual_revenue",
                    "sales_team_size",
                    "warehouse_area",
                    "self_assessment",
                    "submitted_at",
                    "submitted_from",
                )
            },
        ),
        (
            _("Review"),
            {
                "fields": (
                    "score_capital",
                    "score_sales",
                    "score_market",
                    "score_service",
                    "weighted_score_display",
                    "recommendation_display",
                    "review_notes",
                    "dealer_code",
                    "rejection_reason",
                )
            },
        ),
        (_("Decision"), {"fields": ("dealer", "decided_by", "decided_at")}),
    )
    readonly_fields = (
        "number",
        "status",
        "company_name",
        "credit_code",
        "contact_name",
        "email",
        "phone",
        "regions_display",
        "product_lines_display",
        "annual_revenue",
        "sales_team_size",
        "warehouse_area",
        "self_assessment",
        "submitted_at",
        "submitted_from",
        "weighted_score_display",
        "recommendation_display",
        "dealer",
        "decided_by",
        "decided_at",
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("requested_regions", "requested_product_lines")
        )

    def has_add_permission(self, request):
        return False  # applications arrive through /apply/

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("requested regions"))
    def regions_display(self, obj):
        return ", ".join(str(r) for r in obj.requested_regions.all())

    @admin.display(description=_("requested product lines"))
    def product_lines_display(self, obj):
        return ", ".join(str(p) for p in obj.requested_product_lines.all())

    @admin.display(description=_("weighted score"))
    def weighted_score_display(self, obj):
        return obj.weighted_score if obj.weighted_score is not None else "—"

    @admin.display(description=_("recommendation"))
    def recommendation_display(self, obj):
        labels = {"approve": _("approve"), "review": _("discuss further"), "reject": _("reject")}
        return labels.get(obj.recommendation, "—")

    def save_model(self, request, obj, form, change):
        if not obj.is_pending:
            return  # a decided application is a record: nothing to change
        data = form.cleaned_data
        services.application_score(
            application=obj,
            by=request.user,
            capital=data.get("score_capital"),
            sales=data.get("score_sales"),
            market=data.get("score_market"),
            service=data.get("score_service"),
            notes=data.get("review_notes", ""),
            dealer_code=data.get("dealer_code", ""),
            rejection_reason=data.get("rejection_reason", ""),
        )

    @admin.action(description=_("Start review"), permissions=["change"])
    def start_review(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda a: services.application_start_review(application=a, by=request.user),
            _("%(count)s application(s) under review."),
        )

    @admin.action(
        description=_("Approve (create dealer, draft agreement, invite owner)"),
        permissions=["change"],
    )
    def approve(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda a: services.application_approve(application=a, by=request.user),
            _("%(count)s application(s) approved; owners invited."),
        )

    @admin.action(
        description=_("Reject (with the rejection reason entered)"), permissions=["change"]
    )
    def reject(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda a: services.application_reject(
                application=a, by=request.user, reason=a.rejection_reason
            ),
            _("%(count)s application(s) rejected; applicants informed."),
        )


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


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


