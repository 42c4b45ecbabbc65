"""Staff UI for deal registration: the decision queue (open registrations first), each
registration with what the matching found, and actions that call the services. Rejecting
needs a reason: it is done on the comparison page (``deals:compare``)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from deals import services
from deals.models import DealMatch, DealRegistration


def _run(modeladmin, request, rows, service, done_message, **kwargs):
    done = 0
    for row in rows:
        try:
            service(actor=request.user, registration=row, **kwargs)
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            modeladmin.message_user(request, f"{row}: {text}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)


class OpenFilter(admin.SimpleListFilter):
    """The queue by default: registrations waiting for a decision or an extension."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("open", _("waiting for a decision")), ("extension", _("extension requested"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(status__in=DealRegistration.OPEN_STATUSES)
        if self.value() == "extension":
            return queryset.filter(extension=DealRegistration.Extension.REQUESTED)
        return queryset


class DealMatchInline(admin.TabularInline):
    model = DealMatch
    fk_name = "registration"
    extra = 0
    can_delete = False
    fields = ("kind", "reasons", "other", "other_dealer", "territory", "similarity")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DealRegistration)
class DealRegistrationAdmin(SimpleHistoryAdmin):
    list_display = (
        "number",
        "status",
        "dealer",
        "customer_name",
        "customer_region",
        "protected_until",
        "extension",
        "submitted_at",
        "compare_link",
    )
    list_filter = (OpenFilter, "status", "extension", "province")
    search_fields = ("number", "customer_name", "customer_credit_code", "dealer__code")
    list_select_related = ("dealer", "customer_region")
    date_hierarchy = "submitted_at"
    inlines = [DealMatchInline]
    actions = ["approve", "grant_extension", "decline_extension"]

    def has_add_permission(self, request):
        return False  # dealers register (portal or API); staff on a dealer's behalf by API

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["product_lines"]

    @admin.display(description=_("side by side"))
    def compare_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("deals:compare", args=[obj.pk]), _("compare")
        )

    @admin.action(description=_("Approve the selected registrations"), permissions=["change"])
    def approve(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.deal_registration_approve,
            _("%(count)d registrations approved."),
        )

    @admin.action(description=_("Grant the extension (30 days)"), permissions=["change"])
    def grant_extension(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.deal_registration_decide_extension,
            _("%(count)d registrations extended."),
            grant=True,
        )

    @admin.action(description=_("Decline the requested extension"), permissions=["change"])
    def decline_extension(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.deal_registration_decide_extension,
            _("%(count)d extensions declined."),
            grant=False,
        )
