"""Staff UI for tickets: queues by group and escalation level, SLA-state filters, bulk
assignment, answering from the ticket page; escalations and channel conflicts (read only)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from conflicts import selectors, services
from conflicts.admin.ticket_display import event_details
from conflicts.admin.ticket_forms import (
    AssignForm,
    QueueFilter,
    RunningFilter,
    SlaStateFilter,
    TicketAddForm,
    TicketChangeForm,
)
from conflicts.models import ChannelConflict, Escalation, Ticket, TicketComment, TicketEvent
from portal.clock import format_instant


class CommentInline(admin.TabularInline):
    model = TicketComment
    extra = 0
    can_delete = False
    fields = ["created_at", "author_label", "internal", "body"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor_label", "public", "details"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("details"))
    def details(self, obj):
        return event_details(obj)


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    # fits a 1366 px screen beside the filters: short title, dealer code, due times to the
    # minute (the page names the zone), SLA state and level; breached rows are highlighted
    list_display = [
        "id",
        "title_short",
        "dealer_code",
        "priority",
        "status",
        "group",
        "escalation_level",
        "assignee",
        "first_response_due_short",
        "resolution_due_short",
        "sla_state_badge",
    ]
    list_display_links = ["id", "title_short"]
    list_filter = [
        QueueFilter,
        "group",
        "escalation_level",
        SlaStateFilter,
        RunningFilter,
        "status",
        "category",
        "priority",
        ("assignee", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "dealer__code", "dealer__name", "=id"]
    list_select_related = ["dealer", "assignee"]
    ordering = ["next_escalation_at", "-opened_at"]
    action_form = AssignForm
    actions = ["assign_selected", "assign_to_me"]
    inlines = [CommentInline, EventInline]
    readonly_fields = [
        "title",
        "description",
        "dealer",
        "counterparty",
        "region",
        "status",
        "requested_priority",
        "group",
        "opened_at",
        "opened_by_label",
        "first_response_at",
        "first_response_due",
        "resolution_due",
        "resolved_at",
        "sla_state_badge",
        "escalation_level",
        "next_escalation_at",
        "warning_sent_at",
        "explanation",
        "pause_ledger",
        "subject_link",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(current_sla_state=selectors.sla_state_annotation(timezone.now()))
        )

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = TicketChangeForm if obj is not None else TicketAddForm
        kwargs["fields"] = None
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": [
                            "dealer",
                            "counterparty",
                            "category",
                            "priority",
                            "title",
                            "description",
                            "opened_at",
                        ]
                    },
                )
            ]
        return [
            (
                None,
                {
                    "fields": [
                        "title",
                        "description",
                        ("dealer", "counterparty", "region"),
                        ("status", "sla_state_badge"),
                        "subject_link",
                    ]
                },
            ),
            (
                _("Answer"),
                {"fields": ["reply", "reply_internal", "new_status", "at"]},
            ),
            (
                _("Queue"),
                {
                    "fields": [
                        ("priority", "requested_priority", "category"),
                        ("group", "escalation_level", "assignee"),
                    ]
                },
            ),
            (
                _("SLA"),
                {
                    "fields": [
                        ("opened_at", "opened_by_label"),
                        ("first_response_due", "first_response_at"),
                        ("resolution_due", "resolved_at"),
                        ("next_escalation_at", "warning_sent_at"),
                        "explanation",
                        "pause_ledger",
                    ]
                },
            ),
        ]

    class Media:
        css = {"all": ["portal/ticket_queue.css"]}

    @admin.display(description=_("title"), ordering="title")
    def title_short(self, obj):
        title = obj.display_title
        return title if len(title) <= 48 else title[:47] + "…"

    @admin.display(description=_("dealer"), ordering="dealer__code")
    def dealer_code(self, obj):
        return obj.dealer.code

    @admin.display(description=_("first response due"), ordering="first_response_due")
    def first_response_due_short(self, obj):
        if obj.first_response_at is not None:
            return _("answered")
        return format_instant(obj.first_response_due, offset=False)

    @admin.display(description=_("resolution due"), ordering="resolution_due")
    def resolution_due_short(self, obj):
        return format_instant(obj.resolution_due, offset=False)

    @admin.display(description=_("SLA state"), ordering="current_sla_state")
    def sla_state_badge(self, obj):
        state = getattr(obj, "current_sla_state", None) or obj.sla_state
        colour = {
            "on_track": "green",
            "at_risk": "darkorange",
            "breached": "red",
            "paused": "gray",
            "met": "green",
        }[state]
        return format_html(
            '<strong class="sla-{}" style="color:{}">{}</strong>',
            state,
            colour,
            Ticket.SlaState(state).label,
        )

    @admin.display(description=_("How the due times were computed"))
    def explanation(self, obj):
        rows = []
        explanation = selectors.ticket_sla_explanation(obj)
        for key, label in (
            ("first_response", _("first response")),
            ("resolution", _("resolution")),
        ):
            item = explanation.get(key)
            if not item:
                continue
            rows.append(
                (
                    label,
                    _(
                        "target %(target)s %(unit)s minutes (%(tz)s); %(used)s used so far; "
                        "%(paused)s minutes paused; closed days skipped: %(days)s"
                    )
                    % {
                        "target": item["target_minutes"],
                        "unit": item["unit"],
                        "tz": item["time_zone"],
                        "used": item["open_minutes_used"],
                        "paused": item["paused_minutes"],
                        "days": ", ".join(item["closed_days_skipped"]) or "—",
                    },
                )
            )
        return format_html_join("", "<div><strong>{}</strong>: {}</div>", rows)

    @admin.display(description=_("paused intervals"))
    def pause_ledger(self, obj):
        return format_html_join(
            "",
            "<div>{} {} – {}</div>",
            (
                (
                    p.get_reason_display(),
                    format_instant(p.started_at, offset=False),
                    format_instant(p.ended_at, offset=False) if p.ended_at else "…",
                )
                for p in obj.pauses.order_by("started_at")
            ),
        )

    @admin.display(description=_("disputed object"))
    def subject_link(self, obj):
        return str(obj.subject) if obj.subject_id else "—"

    # -- writes through services ---------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.ticket_open(
                actor=request.user,
                dealer=data["dealer"],
                counterparty=data.get("counterparty"),
                category=data["category"],
                priority=data["priority"],
                title=data["title"],
                description=data.get("description", ""),
                opened_at=data.get("opened_at"),
            )
            obj.pk = created.pk
            obj.__dict__.update(Ticket.objects.get(pk=created.pk).__dict__)
            return
        original = Ticket.objects.get(pk=obj.pk)
        if (data["priority"], data["category"]) != (original.priority, original.category):
            services.ticket_change_priority(
                actor=request.user,
                ticket=original,
                priority=data["priority"],
                category=data["category"],
            )
        if data.get("assignee") != original.assignee:
            services.ticket_assign(
                actor=request.user, ticket_ids=[obj.pk], assignee=data.get("assignee")
            )
        if data.get("reply", "").strip():
            services.ticket_comment(
                actor=request.user,
                ticket=original,
                body=data["reply"],
                internal=data.get("reply_internal", False),
                at=data.get("at"),
            )
        if data.get("new_status"):
            current = Ticket.objects.get(pk=obj.pk)
            # the reply may already have moved it (first response: open → in progress)
            if current.status != data["new_status"]:
                services.ticket_transition(
                    actor=request.user, ticket=current, status=data["new_status"], at=data.get("at")
                )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # -- bulk actions ----------------------------------------------------------------------------

    @admin.action(description=_("Assign selected tickets to the chosen staff member"))
    def assign_selected(self, request, queryset):
        form = AssignForm(request.POST)
        assignee = form.fields["assignee"].clean(request.POST.get("assignee") or None)
        try:
            n = services.ticket_assign(
                actor=request.user,
                ticket_ids=list(queryset.values_list("pk", flat=True)),
                assignee=assignee,
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        self.message_user(request, _("%(n)s ticket(s) assigned.") % {"n": n}, messages.SUCCESS)

    @admin.action(description=_("Assign selected tickets to me"))
    def assign_to_me(self, request, queryset):
        n = services.ticket_assign(
            actor=request.user,
            ticket_ids=list(queryset.values_list("pk", flat=True)),
            assignee=request.user,
        )
        self.message_user(request, _("%(n)s ticket(s) assigned.") % {"n": n}, messages.SUCCESS)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["ticket", "level", "group", "trigger", "due_at", "escalated_at"]
    list_filter = ["level", "group"]
    list_select_related = ["ticket"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChannelConflict)
class ChannelConflictAdmin(admin.ModelAdmin):
    list_display = ["ticket", "sale_line", "territory", "created_at"]
    list_select_related = [
        "ticket",
        "sale_line",
        "territory__dealer",
        "territory__region",
        "territory__product_line",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
