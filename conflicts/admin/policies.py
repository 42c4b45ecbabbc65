"""Staff UI for business calendars and SLA policies."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conflicts.models import (
    BusinessCalendar,
    CalendarHoliday,
    EscalationStep,
    MakeUpWorkday,
    OpeningInterval,
    RegionCalendar,
    SlaPolicy,
)


class OpeningIntervalInline(admin.TabularInline):
    model = OpeningInterval
    extra = 0


class HolidayInline(admin.TabularInline):
    model = CalendarHoliday
    extra = 0


class MakeUpInline(admin.TabularInline):
    model = MakeUpWorkday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "time_zone", "is_default"]
    search_fields = ["code", "name"]
    inlines = [OpeningIntervalInline, HolidayInline, MakeUpInline]


@admin.register(RegionCalendar)
class RegionCalendarAdmin(admin.ModelAdmin):
    list_display = ["region", "calendar"]
    autocomplete_fields = ["calendar"]
    list_select_related = ["region", "calendar"]


class EscalationStepInline(admin.TabularInline):
    model = EscalationStep
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "priority",
        "category",
        "first_response_minutes",
        "resolution_minutes",
        "calendar_kind",
        "updated_at",
    ]
    list_filter = ["priority", "calendar_kind"]
    inlines = [EscalationStepInline]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["category", "priority", "calendar_kind"]}),
        (
            _("Targets (minutes of the calendar)"),
            {
                "fields": ["first_response_minutes", "resolution_minutes", "updated_at"],
                "description": _(
                    "A change applies to tickets opened after it; open tickets keep the "
                    "policy they were opened with."
                ),
            },
        ),
    ]
