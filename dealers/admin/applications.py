"""Staff UI for dealer applications and their documents: score, approve, reject."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from simple_history.admin import SimpleHistoryAdmin

from dealers import services
from dealers.admin._common import ReadOnlyInline, run_service_action
from dealers.models import Application, ApplicationDocument


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
    change_form_template = "admin/dealers/application/change_form.html"
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
            pgettext("application review", "Review"),
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

    # -- the decision buttons of the application's page ------------------------------------------

    DECISIONS = {
        "_start_review": lambda a, by, reason: services.application_start_review(
            application=a, by=by
        ),
        "_approve": lambda a, by, reason: services.application_approve(application=a, by=by),
        "_reject": lambda a, by, reason: services.application_reject(
            application=a, by=by, reason=reason
        ),
    }
    DONE = {
        "_start_review": _("The application is under review."),
        "_approve": _(
            "Approved: the dealer, its draft agreement and the owner's invitation exist."
        ),
        "_reject": _("Rejected: the applicant was told the reason."),
    }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "decisions": _decisions(application, request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        decision = next((name for name in self.DECISIONS if name in request.POST), None)
        if decision is None or not self.has_change_permission(request, obj):
            return super().response_change(request, obj)
        reason = request.POST.get("rejection_reason", "")
        try:
            with transaction.atomic():
                self.DECISIONS[decision](obj, request.user, reason)
        except ValidationError as exc:
            transaction.set_rollback(True)  # the scores saved with it are not kept either
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, self.DONE[decision], messages.SUCCESS)
        return HttpResponseRedirect(request.path)

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


def _decisions(application, user) -> list[str]:
    """The buttons the page offers: start the review of a submitted application; approve or
    reject a pending one (the services pass it through "under review")."""
    if application is None or not application.is_pending:
        return []
    if not user.has_perm("dealers.change_application"):
        return []
    if application.status == Application.Status.SUBMITTED:
        return ["start_review", "approve", "reject"]
    return ["approve", "reject"]
