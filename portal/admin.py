from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.models import ApiKey, User
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
