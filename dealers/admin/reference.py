"""Staff UI for the reference data: regions and product lines."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dealers.models import ProductLine, Region


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
    list_display = ("code", "name", "name_zh_hans", "name_zh_hant", "beta")
    list_filter = ("beta",)
    search_fields = ("code", "name", "name_zh_hans", "name_zh_hant")
