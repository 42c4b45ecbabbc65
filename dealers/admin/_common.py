"""Shared admin pieces: service actions with per-object refusals; the kernel's read-only
bases, re-exported."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction

from portal.admin import ReadOnlyAdmin, ReadOnlyInline  # noqa: F401  (re-exported)


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
