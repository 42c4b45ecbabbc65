"""Staff UI for dealers and their users: lifecycle actions and tier evaluation."""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from simple_history.admin import SimpleHistoryAdmin

from dealers import services
from dealers.admin._common import ReadOnlyInline, run_service_action
from dealers.models import Dealer, DealerMembership
from portal.clock import format_instant


class MembershipInline(ReadOnlyInline):
    model = DealerMembership
    fields = ("user", "role", "created_at")
    readonly_fields = fields


def _table(headers, rows):
    """A small read-only HTML table for the dealer page (not an inline formset, so the
    change form posts only the dealer and its memberships)."""
    if not rows:
        return "—"
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows),
    )
    return format_html('<table class="dealer-related"><tr>{}</tr>{}</table>', head, body)


@admin.register(Dealer)
class DealerAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "status", "tier", "region", "notice_ends_on")
    list_filter = ("status", "tier", "region__parent")
    search_fields = ("code", "name", "credit_code", "email", "contact_name")
    autocomplete_fields = ("region", "support_contact")
    list_select_related = ("tier", "region")
    readonly_fields = (
        "status",
        "tier",
        "status_changed_at",
        "notice_ends_on",
        "transition_ends_on",
        "created_at",
        "agreements_table",
        "territories_table",
        "tier_changes_table",
    )
    inlines = [MembershipInline]
    actions = ["suspend", "reinstate", "give_notice", "terminate", "evaluate_tier_now"]

    @admin.display(description=_("agreements"))
    def agreements_table(self, obj):
        rows = [
            (
                a.number,
                a.get_status_display(),
                a.starts_on,
                a.ends_on or "",
                format_instant(a.signed_at, offset=False) if a.signed_at else "",
            )
            for a in obj.agreements.all()
        ]
        return _table(
            [_("number"), _("status"), _("effective from"), _("effective until"), _("signed")], rows
        )

    @admin.display(description=_("territories"))
    def territories_table(self, obj):
        rows = [
            (
                t.pk,
                t.product_line.code,
                t.region.code,
                t.starts_on,
                t.ends_on or "",
                _("exclusive") if t.exclusive else "",
            )
            for t in obj.territories.select_related("product_line", "region")
        ]
        return _table(
            ["#", _("product line"), _("region"), _("starts on"), _("ends on"), _("exclusive")],
            rows,
        )

    @admin.display(description=_("tier changes"))
    def tier_changes_table(self, obj):
        rows = [
            (c.changed_at.date(), c.from_tier.code, c.to_tier.code, c.reason)
            for c in obj.tier_changes.select_related("from_tier", "to_tier")
        ]
        return _table(
            [
                _("changed"),
                pgettext("tier change", "from"),
                pgettext("tier change", "to"),
                _("reason"),
            ],
            rows,
        )

    def get_readonly_fields(self, request, obj=None):
        # The tier of a new dealer is chosen once; afterwards evaluations change it.
        if obj is None:
            return (
                "status",
                "status_changed_at",
                "notice_ends_on",
                "transition_ends_on",
                "created_at",
            )
        return self.readonly_fields

    @admin.action(description=_("Suspend (portal and API read-only)"), permissions=["change"])
    def suspend(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda d: services.dealer_suspend(dealer=d),
            _("%(count)s dealer(s) suspended."),
        )

    @admin.action(description=_("Reinstate"), permissions=["change"])
    def reinstate(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda d: services.dealer_reinstate(dealer=d),
            _("%(count)s dealer(s) reinstated."),
        )

    @admin.action(description=_("Give notice of termination (today)"), permissions=["change"])
    def give_notice(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda d: services.dealer_give_notice(dealer=d),
            _("Notice given to %(count)s dealer(s)."),
        )

    @admin.action(description=_("Terminate now"), permissions=["change"])
    def terminate(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda d: services.dealer_terminate(dealer=d),
            _("%(count)s dealer(s) terminated."),
        )

    @admin.action(
        description=_("Evaluate tier now (last completed quarter)"), permissions=["change"]
    )
    def evaluate_tier_now(self, request, queryset):
        changed = 0
        for dealer in queryset:
            change = services.tier_evaluate_now(dealer=dealer)
            if change is not None:
                changed += 1
                self.message_user(request, f"{dealer.code}: {change.reason}", messages.INFO)
        self.message_user(
            request,
            ngettext(
                "%(n)s dealer evaluated, %(c)s tier change.",
                "%(n)s dealers evaluated, %(c)s tier changes.",
                queryset.count(),
            )
            % {"n": queryset.count(), "c": changed},
            messages.SUCCESS,
        )


@admin.register(DealerMembership)
class DealerMembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "dealer", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "dealer__code", "dealer__name")
    autocomplete_fields = ("user", "dealer")
    list_select_related = ("user", "dealer")
