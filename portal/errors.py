"""Errors that services raise and every interface answers alike."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class StaleFigures(ValidationError):
    """The figures a person confirmed are no longer the current ones (money is never
    approved blind): the action is refused and nothing changes. ``current`` is the object
    with its current figures, so that the interface can show them (the admin re-shows its
    confirmation page, the API answers ``409`` with them)."""

    def __init__(self, message, *, code: str, field: str, current=None, params=None):
        super().__init__({field: ValidationError(message, code=code, params=params)})
        self.code = code
        self.field = field
        self.current = current
