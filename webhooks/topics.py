"""Which topics an endpoint may subscribe to: those of the outbox (DOMAIN.md §15)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.events import TOPICS


def topics_check(topics) -> None:
    """A non-empty list of known topics, each once."""
    if not isinstance(topics, list) or not topics:
        raise ValidationError(
            {"topics": ValidationError(_("Choose at least one topic."), code="required")}
        )
    unknown = [t for t in topics if not isinstance(t, str) or t not in TOPICS]
    if unknown:
        raise ValidationError(
            {
                "topics": ValidationError(
                    _("Unknown topics: %(topics)s.") % {"topics": ", ".join(map(str, unknown))},
                    code="invalid_choice",
                )
            }
        )
    if len(set(topics)) != len(topics):
        raise ValidationError(
            {"topics": ValidationError(_("Name each topic once."), code="duplicate")}
        )
