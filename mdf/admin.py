"""Staff UI for marketing funds: the queues of requests and claims (filter by status) with
approve actions, the funds and their ledger (read-only). Every action calls a service, which
decides who may do it; rejections and lower amounts (which need a reason) are decided on the
portal page or through the API."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from mdf import services
from mdf.models import Claim, ClaimProof, Fund, FundRequest, Movement
from portal.admin import ReadOnlyAdmin, ReadOnlyInline


def _run(modeladmin, request, rows, service, done_message, *, target):
    done = 0
    for row in rows:
        try:
            service(actor=request.user, **{target: row})
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            modeladmin.message_user(request, f"{row}: {text}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)


class MovementInline(ReadOnlyInline):
    model = Movement
    fields = (
        "created_at",
        "kind",
        "amount",
        "available_after",
        "quarter",
        "expires_on",
        "request",
        "reason",
    )
    readonly_fields = fields
    ordering = ("-created_at", "-pk")


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ("dealer", "available", "reserved", "updated_at")
    search_fields = ("dealer__code", "dealer__name")
    list_select_related = ("dealer",)
    inlines = [MovementInline]


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "dealer",
        "kind",
        "amount",
        "available_after",
        "quarter",
        "request",
        "claim",
    )
    list_filter = ("kind",)
    search_fields = ("dealer__code", "source_key")
    list_select_related = ("dealer", "request", "claim")


class _Decided(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(FundRequest)
class FundRequestAdmin(_Decided):
    list_display = (
        "pk",
        "dealer",
        "title",
        "activity_type",
        "starts_on",
        "ends_on",
        "requested_amount",
        "status",
    )
    list_filter = ("status", "activity_type")
    search_fields = ("dealer__code", "title")
    list_select_related = ("dealer",)
    actions = ["approve"]

    @admin.action(
        description=_("Approve (channel manager; executive above 50,000.00)"),
        permissions=["change"],
    )
    def approve(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.request_approve,
            _("%(count)d requests approved."),
            target="request",
        )


class ProofInline(ReadOnlyInline):
    model = ClaimProof
    fields = ("name", "content_type", "size", "uploaded_at")
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(_Decided):
    list_display = (
        "pk",
        "dealer",
        "request",
        "actual_spend",
        "reimbursable",
        "approved_amount",
        "status",
    )
    list_filter = ("status",)
    search_fields = ("dealer__code", "request__title")
    list_select_related = ("dealer", "request")
    inlines = [ProofInline]
    actions = ["approve"]

    @admin.action(
        description=_("Approve the reimbursable amount (finance)"), permissions=["change"]
    )
    def approve(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.claim_approve,
            _("%(count)d claims approved."),
            target="claim",
        )
