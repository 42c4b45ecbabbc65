"""Staff UI for dealers: every write goes through ``dealers.services``.

One module per sub-domain; importing them registers their model admins."""

from dealers.admin import (  # noqa: F401  registers the model admins
    agreements,
    applications,
    dealers,
    reference,
    territories,
    tiers,
)
from dealers.admin._common import ReadOnlyAdmin, ReadOnlyInline, run_service_action

__all__ = ["ReadOnlyAdmin", "ReadOnlyInline", "run_service_action"]
