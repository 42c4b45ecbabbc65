"""Staff UI for stock rotation: the suggestions (propose a transfer from them) and the
transfers (ship, receive or cancel on a dealer's behalf). Every action calls a service."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import ReadOnlyAdmin
from rotation import services
from rotation.models import StockTransfer, TransferSuggestion


def _run(modeladmin, request, rows, service, done_message, *, target="transfer"):
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


@admin.register(TransferSuggestion)
class TransferSuggestionAdmin(ReadOnlyAdmin):
    list_display = (
        "province",
        "product",
        "source_dealer",
        "destination_dealer",
        "quantity",
        "source_surplus",
        "destination_need",
        "computed_at",
    )
    list_filter = ("province",)
    search_fields = ("product__sku", "source_dealer__code", "destination_dealer__code")
    list_select_related = ("province", "product", "source_dealer", "destination_dealer")
    actions = ["propose"]

    @admin.action(description=_("Propose transfers from the selected suggestions"))
    def propose(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.transfer_propose_from_suggestion,
            _("%(count)d transfers proposed."),
            target="suggestion",
        )


@admin.register(StockTransfer)
class StockTransferAdmin(SimpleHistoryAdmin):
    list_display = (
        "pk",
        "status",
        "product",
        "quantity",
        "source_warehouse",
        "destination_warehouse",
        "created_at",
        "shipped_at",
        "received_at",
    )
    list_filter = ("status",)
    search_fields = ("product__sku", "source_dealer__code", "destination_dealer__code")
    list_select_related = ("product", "source_warehouse", "destination_warehouse")
    actions = ["ship", "receive", "cancel"]

    def has_add_permission(self, request):
        return False  # proposed from a suggestion or through the API (the service checks it)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description=_("Ship (on the sending dealer's behalf)"), permissions=["change"])
    def ship(self, request, queryset):
        _run(self, request, queryset, services.transfer_ship, _("%(count)d transfers shipped."))

    @admin.action(
        description=_("Mark received (on the receiving dealer's behalf)"), permissions=["change"]
    )
    def receive(self, request, queryset):
        _run(
            self, request, queryset, services.transfer_receive, _("%(count)d transfers received.")
        )

    @admin.action(description=_("Cancel"), permissions=["change"])
    def cancel(self, request, queryset):
        _run(
            self, request, queryset, services.transfer_cancel, _("%(count)d transfers cancelled.")
        )
