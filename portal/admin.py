from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.models import ApiKey, JobRun, Notification, User
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


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = (
        "job",
        "status",
        "started_at",
        "finished_at",
        "progress",
        "dry_run",
        "started_by",
    )
    list_filter = ("job", "status", "dry_run")
    search_fields = ("job", "started_by")
    readonly_fields = [f.name for f in JobRun._meta.fields]

    @admin.display(description=_("progress"))
    def progress(self, obj):
        percent = obj.progress_percent
        return f"{obj.done}/{obj.total} ({percent} %)" if percent is not None else obj.done

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at", "emailed")
    list_filter = ("kind", "emailed")
    search_fields = ("title", "recipient__username")
    list_select_related = ("recipient",)
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
