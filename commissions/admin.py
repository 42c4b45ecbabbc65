"""Staff UI: plans with steps and tier bonuses, sale lines (read-only facts), statements
(read-only figures; approve / mark paid / adjust through the services; approval and payment
go through a confirmation page that shows the refreshed figures)."""

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from commissions import selectors, services
from commissions.explain import explain
from commissions.models import (
    CommissionPlan,
    CommissionStatement,
    PlanStep,
    PlanTierBonus,
    SaleLine,
    StatementComponent,
)
from portal.inputs import MAX_TEXT


class StepFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        steps = [
            (f.cleaned_data["threshold"], f.cleaned_data["rate"])
            for f in self.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("threshold") is not None
            and f.cleaned_data.get("rate") is not None
        ]
        try:
            services.plan_steps_validate(steps)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["steps"]) from None


class PlanStepInline(admin.TabularInline):
    model = PlanStep
    formset = StepFormSet
    extra = 0


class PlanTierBonusInline(admin.TabularInline):
    model = PlanTierBonus
    extra = 0


@admin.register(CommissionPlan)
class CommissionPlanAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "name",
        "base_rate",
        "step_mode",
        "quarter_bonus_rate",
        "annual_bonus_months",
        "active",
    )
    list_filter = ("step_mode", "active")
    search_fields = ("code", "name")
    inlines = [PlanStepInline, PlanTierBonusInline]


@admin.register(SaleLine)
class SaleLineAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "dealer",
        "product",
        "quantity",
        "amount",
        "currency",
        "sold_at",
        "ship_to_region",
        "deal",
        "reported_at",
    )
    list_filter = ("currency",)
    search_fields = ("external_id", "dealer__code", "product__sku")
    list_select_related = ("dealer", "product", "ship_to_region", "deal")
    date_hierarchy = "sold_at"

    def has_change_permission(self, request, obj=None):
        return False  # lines are reported facts; a correction is a return line

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class ComponentInline(admin.TabularInline):
    model = StatementComponent
    extra = 0
    can_delete = False
    fields = ("kind", "amount", "bonus_period", "sale_line", "reason", "how", "created_by")
    readonly_fields = fields

    @admin.display(description=_("how we computed this"))
    def how(self, obj):
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}</li>",
                ((line,) for line in explain(obj.kind, obj.amount, obj.derivation, obj.reason)),
            ),
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AdjustmentForm(forms.Form):
    amount = forms.DecimalField(label=_("amount"), max_digits=16, decimal_places=2)
    reason = forms.CharField(
        label=_("reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


@admin.register(CommissionStatement)
class CommissionStatementAdmin(SimpleHistoryAdmin):
    list_display = (
        "period",
        "dealer",
        "status",
        "net_sales",
        "total",
        "currency",
        "approved_at",
        "paid_at",
    )
    list_filter = ("status", "period")
    search_fields = ("dealer__code", "dealer__name")
    list_select_related = ("dealer",)
    inlines = [ComponentInline]
    actions = ["approve_selected", "mark_selected_paid"]
    readonly_fields = [f.name for f in CommissionStatement._meta.fields if f.name != "id"] + [
        "adjust_link",
        "decide_link",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Statements change only through the services (actions, adjustment page); the
        # object page is read-only. The changelist actions need the model permission.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("adjustment"))
    def adjust_link(self, obj):
        if obj is None or obj.is_locked:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:commissions_statement_adjust", args=[obj.pk]),
            _("Add an adjustment"),
        )

    @admin.display(description=_("decision"))
    def decide_link(self, obj):
        step = {"draft": "approve", "approved": "pay"}.get(obj.status if obj else None)
        if step is None:
            return "—"
        url = reverse("admin:commissions_statement_confirm", args=[step])
        return format_html(
            '<a href="{}?ids={}">{}</a>',
            url,
            obj.pk,
            _("Review and approve") if step == "approve" else _("Review and mark paid"),
        )

    def get_urls(self):
        return [
            path(
                "confirm/<str:step>/",
                self.admin_site.admin_view(self.confirm_view),
                name="commissions_statement_confirm",
            ),
            path(
                "<int:pk>/adjust/",
                self.admin_site.admin_view(self.adjust_view),
                name="commissions_statement_adjust",
            ),
            *super().get_urls(),
        ]

    def adjust_view(self, request, pk):
        # Who may adjust is checked before anything of the statement is read or shown.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        services.require_finance(request.user)
        statement = get_object_or_404(CommissionStatement, pk=pk)
        form = AdjustmentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.statement_adjustment_add(
                    statement=statement, actor=request.user, **form.cleaned_data
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("Adjustment added."))
                return redirect("admin:commissions_commissionstatement_change", pk)
        return render(
            request,
            "admin/commissions/adjust.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "statement": statement,
                "opts": self.model._meta,
                "title": _("Add an adjustment"),
            },
        )

    CONFIRM_STEPS = {
        "approve": (CommissionStatement.Status.DRAFT, services.statement_approve),
        "pay": (CommissionStatement.Status.APPROVED, services.statement_mark_paid),
    }

    def _to_confirmation(self, step, queryset):
        ids = ",".join(str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True))
        url = reverse("admin:commissions_statement_confirm", args=[step])
        return redirect(f"{url}?{urlencode({'ids': ids})}")

    @admin.action(description=_("Approve the selected statements…"), permissions=["change"])
    def approve_selected(self, request, queryset):
        return self._to_confirmation("approve", queryset)

    @admin.action(description=_("Mark the selected statements paid…"), permissions=["change"])
    def mark_selected_paid(self, request, queryset):
        return self._to_confirmation("pay", queryset)

    def confirm_view(self, request, step):
        """Money is never approved blind: the page shows each statement's refreshed
        figures with their components, and approves (or marks paid) only the total shown.
        A statement whose figures changed in between is refused and shown again with its
        new figures."""
        if step not in self.CONFIRM_STEPS:
            raise Http404
        if not self.has_change_permission(request):
            raise PermissionDenied
        status, service = self.CONFIRM_STEPS[step]
        raw_ids = (request.POST.get("ids") or request.GET.get("ids") or "").split(",")
        ids = [int(pk) for pk in raw_ids if pk.strip().isdigit()]
        statements = list(
            CommissionStatement.objects.filter(pk__in=ids).select_related("dealer").order_by("pk")
        )
        if request.method == "POST":
            statements = self._confirm_post(request, step, service, statements)
            if not statements:
                return redirect("admin:commissions_commissionstatement_changelist")
        rows = []
        for statement in statements:
            if step == "approve":
                statement = services.statement_refresh(statement=statement)
            rows.append(
                {
                    "statement": statement,
                    "components": selectors.statement_components(statement),
                    "actionable": statement.status == status,
                }
            )
        return render(
            request,
            "admin/commissions/confirm.html",
            {
                **self.admin_site.each_context(request),
                "step": step,
                "rows": rows,
                "ids": ",".join(str(row["statement"].pk) for row in rows),
                "opts": self.model._meta,
                "title": _("Approve these statements?")
                if step == "approve"
                else _("Mark these statements paid?"),
            },
        )

    def _confirm_post(self, request, step, service, statements):
        """Act on every statement with the total the page showed; return those to show
        again (refused because their figures changed)."""
        again, done = [], 0
        for statement in statements:
            seen = request.POST.get(f"expected_total_{statement.pk}")
            if seen is None:
                continue
            extra = {"reference": request.POST.get(f"reference_{statement.pk}", "")}
            label = f"{statement.dealer.code} {statement.period_label}"
            try:
                service(
                    statement=statement,
                    actor=request.user,
                    expected_total=Decimal(seen),
                    **(extra if step == "pay" else {}),
                )
            except services.StaleFigures as exc:
                messages.error(request, f"{label}: {' '.join(exc.messages)}")
                again.append(statement)
            except (ValidationError, PermissionDenied, InvalidOperation) as exc:
                messages.error(
                    request, f"{label}: {' '.join(getattr(exc, 'messages', [str(exc)]))}"
                )
            else:
                done += 1
        if done:
            text = (
                _("%(n)d statement(s) approved.")
                if step == "approve"
                else _("%(n)d statement(s) marked paid.")
            )
            messages.success(request, text % {"n": done})
        return again
