"""Helpers for the portal's HTML forms."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: each error on its field when the
    form has that field, otherwise at the top of the form (the service checks what the form
    cannot, e.g. a dealer's territories; its field names follow the form's)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
