from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dealers.models import Dealer, DealerMembership, ProductLine, Region, Tier


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "name_zh", "kind", "parent", "time_zone")
    list_filter = ("kind",)
    search_fields = ("code", "name", "name_zh")
    autocomplete_fields = ("parent",)


@admin.register(ProductLine)
class ProductLineAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "beta")
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
    )
    search_fields = ("code", "name")


class MembershipInline(admin.TabularInline):
    model = DealerMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Dealer)
class DealerAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "status", "tier", "region")
    list_filter = ("status", "tier")
    search_fields = ("code", "name", "credit_code")
    autocomplete_fields = ("region", "support_contact")
    list_select_related = ("tier", "region")
    inlines = [MembershipInline]


from dealers import review_admin  # noqa: E402,F401  quarterly reviews (together)
