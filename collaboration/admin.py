from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from collaboration.models import ActionItem, Announcement, AnnouncementReceipt, Meeting
from collaboration.services import (
    ACTION_ITEM_FIELDS,
    MEETING_FIELDS,
    action_item_update,
    announcement_publish,
    meeting_create,
    meeting_update,
)
from portal.access import actor_from


class MeetingActionItemInline(admin.TabularInline):
    model = ActionItem
    fk_name = "meeting"
    fields = ("title", "owner", "due_on", "status", "reminder_sent_at")
    readonly_fields = ("title", "owner", "due_on", "status", "reminder_sent_at")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # added on the meeting's portal page, through the service


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("held_on", "title", "dealer", "created_by")
    list_filter = ("held_on",)
    search_fields = ("title", "dealer__code", "dealer__name")
    list_select_related = ("dealer", "created_by")
    autocomplete_fields = ("dealer",)
    readonly_fields = ("created_by", "created_at", "updated_at")
    inlines = [MeetingActionItemInline]

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in MEETING_FIELDS if f in form.cleaned_data}
        actor = actor_from(request)
        if change:
            meeting_update(actor=actor, meeting=obj, **fields)
        else:
            obj.pk = meeting_create(actor=actor, dealer=form.cleaned_data["dealer"], **fields).pk


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "dealer", "owner", "due_on", "status", "reminder_sent_at", "source")
    list_filter = ("status", "due_on")
    search_fields = ("title", "dealer__code", "owner__username")
    list_select_related = ("dealer", "owner", "meeting", "review__dealer")
    fields = (
        "dealer",
        "meeting",
        "review",
        "title",
        "description",
        "owner",
        "due_on",
        "status",
        "reminder_sent_at",
        "completed_at",
    )
    readonly_fields = ("dealer", "meeting", "review", "reminder_sent_at", "completed_at")

    def has_add_permission(self, request):
        return False  # added to a meeting or a review

    def save_model(self, request, obj, form, change):
        action_item_update(
            actor=actor_from(request),
            item=obj,
            **{f: form.cleaned_data[f] for f in form.changed_data if f in ACTION_ITEM_FIELDS},
        )


@admin.register(Announcement)
class AnnouncementAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "audience", "published_at", "read_count")
    list_filter = ("kind", "audience", "published_at")
    search_fields = ("title", "body")
    filter_horizontal = ("dealers", "regions", "tiers")
    readonly_fields = ("published_at", "created_by", "created_at")
    actions = ["publish"]
    fieldsets = (
        (None, {"fields": ("kind", "title", "body")}),
        (_("Campaign"), {"fields": ("discount_min", "discount_max", "starts_on", "ends_on")}),
        (_("Audience"), {"fields": ("audience", "dealers", "regions", "tiers")}),
        (_("Publication"), {"fields": ("published_at", "created_by", "created_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_read_count=Count("receipts"))

    @admin.display(description=_("read by"), ordering="_read_count")
    def read_count(self, obj):
        return obj._read_count

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected announcements"), permissions=["publish"])
    def publish(self, request, queryset):
        count = 0
        for announcement in queryset.filter(published_at__isnull=True).order_by("pk"):
            announcement_publish(actor=actor_from(request), announcement=announcement)
            count += 1
        self.message_user(
            request, _("%(count)d announcements published.") % {"count": count}, messages.SUCCESS
        )

    def has_publish_permission(self, request):
        return request.user.has_perm("collaboration.publish_announcement")


@admin.register(AnnouncementReceipt)
class AnnouncementReceiptAdmin(admin.ModelAdmin):
    list_display = ("announcement", "user", "read_at")
    list_select_related = ("announcement", "user")
    search_fields = ("announcement__title", "user__username")
    readonly_fields = ("announcement", "user", "read_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
