"""Staff UI for quarterly reviews: score, add the improvement plan, finalise; edit weights.

Every write goes through ``reviews.services`` / ``portal.services``."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from collaboration.models import ActionItem
from collaboration.services import action_item_create, action_item_update
from portal.access import actor_from
from portal.models import User
from reviews.models import QuarterlyReview, ReviewWeights
from reviews.services import FIGURE_FIELDS, review_assess, review_finalise


class ReviewActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ("title", "owner", "due_on", "status", "description")

    def clean(self):
        # The dealer is not a form field: take it from the review, so that the model's
        # clean() checks the owner (staff or a user of this dealer) before anything is saved.
        if self.instance.review_id and not self.instance.dealer_id:
            self.instance.dealer_id = self.instance.review.dealer_id
        return super().clean()


class ReviewActionItemInline(admin.TabularInline):
    model = ActionItem
    form = ReviewActionItemForm
    fk_name = "review"
    fields = ("title", "owner", "due_on", "status", "description")
    extra = 1
    verbose_name = _("improvement-plan action item")
    verbose_name_plural = _("improvement plan (action items)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":

            kwargs["queryset"] = User.objects.filter(is_active=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QuarterlyReview)
class QuarterlyReviewAdmin(SimpleHistoryAdmin):
    change_form_template = "admin/reviews/quarterlyreview/change_form.html"
    list_display = (
        "quarter",
        "dealer",
        "status",
        "attainment_percent",
        "overall_score",
        "satisfaction_score",
        "communication_score",
        "acknowledged_at",
    )
    list_filter = ("status", "quarter", "dealer__tier", "dealer__region")
    search_fields = ("dealer__code", "dealer__name", "quarter")
    list_select_related = ("dealer",)
    inlines = [ReviewActionItemInline]
    actions = ["finalise_reviews"]
    fieldsets = (
        (None, {"fields": ("dealer", "quarter", "status")}),
        (_("Computed figures"), {"fields": (*FIGURE_FIELDS, "outcomes", "computed_at")}),
        (
            _("Assessment"),
            {"fields": ("satisfaction_score", "communication_score", "notes", "overall_score")},
        ),
        (
            _("Workflow"),
            {
                "fields": (
                    "finalised_at",
                    "finalised_by",
                    "acknowledged_at",
                    "acknowledged_by",
                    "dealer_comment",
                )
            },
        ),
    )
    ASSESSMENT = ("satisfaction_score", "communication_score", "notes")

    @admin.display(description=_("attainment"), ordering="attainment")
    def attainment_percent(self, obj):
        return "—" if obj.attainment is None else f"{obj.attainment * 100:.1f} %"

    def has_add_permission(self, request):
        return False  # reviews are created by the quarterly job

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in QuarterlyReview._meta.fields if f.name != "id"]
        if obj is not None and not obj.is_final:
            return [f for f in fields if f not in self.ASSESSMENT]
        return fields

    def get_inline_instances(self, request, obj=None):
        if obj is not None and obj.is_final:
            inline = ReviewActionItemInline(self.model, self.admin_site)
            inline.extra = 0
            return [inline]
        return super().get_inline_instances(request, obj)

    def save_model(self, request, obj, form, change):
        changes = {f: form.cleaned_data[f] for f in self.ASSESSMENT if f in form.changed_data}
        if changes:
            review_assess(actor=actor_from(request), review=obj, **changes)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ActionItem:
            return super().save_formset(request, form, formset, change)
        actor = actor_from(request)
        review = form.instance
        # What the admin's change message reads (we save through services, not the formset).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for item_form in formset.forms:
            if not item_form.has_changed() or item_form in formset.deleted_forms:
                continue
            data = {f: item_form.cleaned_data.get(f) for f in ReviewActionItemInline.fields}
            data["description"] = data.get("description") or ""
            if item_form.instance.pk is None:
                data.pop("status")
                formset.new_objects.append(action_item_create(actor=actor, review=review, **data))
            else:
                changed = [f for f in item_form.changed_data if f in data]
                item = action_item_update(
                    actor=actor, item=item_form.instance, **{f: data[f] for f in changed}
                )
                formset.changed_objects.append((item, changed))

    def response_change(self, request, obj):
        if "_finalise" in request.POST:
            try:
                review_finalise(actor=actor_from(request), review=obj)
            except (ValidationError, PermissionDenied) as exc:
                text = " ".join(getattr(exc, "messages", [str(exc)]))
                self.message_user(request, text, messages.ERROR)
            else:
                self.message_user(request, _("The review is final."), messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(description=_("Finalise the selected reviews"), permissions=["finalise"])
    def finalise_reviews(self, request, queryset):
        done = 0
        for review in queryset.order_by("pk"):
            try:
                review_finalise(actor=actor_from(request), review=review)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{review}: {' '.join(exc.messages)}", messages.ERROR)
        if done:
            self.message_user(
                request, _("%(count)d reviews finalised.") % {"count": done}, messages.SUCCESS
            )

    def has_finalise_permission(self, request):
        return request.user.has_perm("reviews.finalise_quarterlyreview")


@admin.register(ReviewWeights)
class ReviewWeightsAdmin(SimpleHistoryAdmin):
    list_display = (
        "__str__",
        "attainment",
        "sla",
        "stock_freshness",
        "satisfaction",
        "communication",
        "updated_at",
    )
    exclude = ("id",)

    def has_add_permission(self, request):
        return not ReviewWeights.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        super().save_model(request, obj, form, change)
