from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.job_runs import job_rerun
from portal.models import ApiKey, Event, EventHandled, IdempotencyRecord, JobRun, Notification, User
from portal.services import api_key_revoke


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("preferred_language", "phone")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")


@admin.register(ApiKey)
class ApiKeyAdmin(APIKeyModelAdmin, SimpleHistoryAdmin):
    list_display = (*APIKeyModelAdmin.list_display, "dealer", "is_manufacturer", "last_used_at")
    list_filter = (*APIKeyModelAdmin.list_filter, "is_manufacturer")
    search_fields = (*APIKeyModelAdmin.search_fields, "dealer__code", "dealer__name")
    autocomplete_fields = ("dealer",)
    readonly_fields = (*APIKeyModelAdmin.readonly_fields, "last_used_at")
    actions = ["revoke_keys"]

    @admin.action(description=_("Revoke the selected keys"))
    def revoke_keys(self, request, queryset):
        for api_key in queryset:
            api_key_revoke(api_key=api_key)
        self.message_user(request, _("Keys revoked."), messages.SUCCESS)


class JobRunStatusFilter(admin.SimpleListFilter):
    """Status, with "stalled" (running, but no heartbeat for ``JOB_STALL_AFTER_MINUTES``)
    apart from the runs that are alive."""

    title = _("status")
    parameter_name = "state"
    STALLED = "stalled"

    def lookups(self, request, model_admin):
        return [
            (JobRun.Status.RUNNING, JobRun.Status.RUNNING.label),
            (self.STALLED, _("stalled")),
            (JobRun.Status.SUCCEEDED, JobRun.Status.SUCCEEDED.label),
            (JobRun.Status.FAILED, JobRun.Status.FAILED.label),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == JobRun.Status.RUNNING:
            return queryset.alive()
        if value == self.STALLED:
            return queryset.stalled()
        if value in (JobRun.Status.SUCCEEDED, JobRun.Status.FAILED):
            return queryset.filter(status=value)
        return queryset


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = (
        "job",
        "state",
        "started_at",
        "finished_at",
        "progress",
        "dry_run",
        "started_by",
        "error_count",
        "heartbeat_at",
    )
    list_filter = ("job", JobRunStatusFilter, "dry_run")
    search_fields = ("job", "started_by")
    readonly_fields = ["state", *(f.name for f in JobRun._meta.fields if f.name != "status")]

    change_form_template = "admin/portal/jobrun/change_form.html"
    change_list_template = "admin/portal/jobrun/change_list.html"

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        if obj.is_stalled():
            return format_html(
                '<strong title="{}">{}</strong>',
                _("No heartbeat since %(since)s: its process was probably killed.")
                % {"since": date_format(localtime(obj.heartbeat_at), "DATETIME_FORMAT")},
                _("stalled"),
            )
        return obj.get_status_display()

    @admin.display(description=_("progress"))
    def progress(self, obj):
        percent = obj.progress_percent
        if percent is None:
            return obj.done
        return format_html(
            '<progress value="{}" max="100" title="{} %"></progress> {}/{} ({} %)',
            percent,
            percent,
            obj.done,
            obj.total,
            percent,
        )

    @admin.display(description=_("errors"))
    def error_count(self, obj):
        return len(obj.errors or [])

    actions = ["rerun"]

    @admin.action(description=_("Re-run the selected failed or stalled runs"))
    def rerun(self, request, queryset):
        runs = list(queryset.order_by("pk"))
        queued = sum(job_rerun(run=run) for run in runs)
        skipped = len(runs) - queued
        self.message_user(
            request,
            _(
                "%(queued)d runs queued again; %(skipped)d skipped (neither failed nor stalled, "
                "dry runs, or jobs without a re-run task)."
            )
            % {"queued": queued, "skipped": skipped},
            messages.SUCCESS if queued else messages.WARNING,
        )

    def changelist_view(self, request, extra_context=None):
        # Reload every few seconds while a job runs, so that its progress moves.
        running = JobRun.objects.alive().exists()
        return super().changelist_view(request, {**(extra_context or {}), "auto_refresh": running})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        alive = (
            JobRun.objects.alive().filter(pk=object_id).exists() if object_id.isdigit() else False
        )
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "auto_refresh": alive}
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("display_title", "recipient", "kind", "created_at", "read_at", "emailed")
    list_filter = ("kind", "emailed")
    search_fields = ("title", "recipient__username")
    list_select_related = ("recipient",)
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("title"), ordering="title")
    def display_title(self, obj):
        return obj.display_title


# --- Working together -------------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that only services write (ledgers, logs): list and view, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    """Written by ``portal.api.idempotency`` and purged hourly."""

    list_display = ("created_at", "scope", "key", "status", "response_status")
    list_filter = ("status",)
    search_fields = ("scope", "key")


class EventHandledInline(ReadOnlyInline):
    model = EventHandled
    fields = ("subscriber", "handled_at")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The outbox (``portal.events``): what was recorded, and whether every subscriber has
    handled it; an event stuck on a failing subscriber shows its last error."""

    list_display = ("id", "topic", "dealer", "occurred_at", "dispatched_at", "attempts")
    list_filter = ("topic", ("dispatched_at", admin.EmptyFieldListFilter))
    list_select_related = ("dealer",)
    search_fields = ("topic", "dealer__code")
    readonly_fields = (
        "topic",
        "dealer",
        "payload",
        "occurred_at",
        "dispatched_at",
        "next_attempt_at",
        "attempts",
        "last_error",
    )
    fields = readonly_fields
    inlines = [EventHandledInline]
