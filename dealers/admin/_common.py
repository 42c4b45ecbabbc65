"""Shared admin pieces: service actions with per-object refusals, read-only bases."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from portal.admin import ReadOnlyAdmin  # noqa: F401  (re-exported for the dealers admin)


def run_service_action(modeladmin, request, queryset, call, done_message):
    """Apply ``call(obj)`` to each selected object, each in its own transaction; report
    successes and every refusal with its reason."""
    done = 0
    for obj in queryset:
        try:
            with transaction.atomic():
                call(obj)
        except ValidationError as exc:
            modeladmin.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
