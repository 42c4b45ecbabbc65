"""Writes of the conflicts app: tickets, comments, transitions, escalation, links.

Every service is keyword-only, runs in a transaction and records an event on the ticket's
timeline; notifications go out after commit. Due times are recomputed by
:func:`ticket_recompute_sla` at every change of status, priority or category.

One module per sub-domain; the public names are re-exported here, so callers keep writing
``from conflicts import services; services.ticket_open(...)``:

- ``sla``: policy selection and snapshot, due times, the 80 % and escalation instants
- ``tickets``: open, comment, attach, transition, change priority, assign
- ``escalation``: the sweep
- ``channel``: channel-conflict tickets from reported sale lines
- ``disputes``: disputes of objects a dealer may see (``app_label.model:pk`` subjects)
- ``_common``: the system actor, timeline events, notifications after commit
"""

from conflicts.services._common import CATEGORY_AREAS, SYSTEM, ticket_area, ticket_url
from conflicts.services.channel import channel_conflicts_open_for_sale_lines
from conflicts.services.disputes import subject_parse, subject_resolve, ticket_open_dispute
from conflicts.services.escalation import SweepOutcome, ticket_escalate_due
from conflicts.services.sla import (
    PRIORITY_ORDER,
    WARNING_PERCENT,
    SlaContext,
    effective_priority,
    policy_snapshot,
    ticket_recompute_sla,
)
from conflicts.services.tickets import (
    DEALER_TRANSITIONS,
    TRANSITIONS,
    ticket_assign,
    ticket_attach,
    ticket_change_priority,
    ticket_comment,
    ticket_counterparty_resolve,
    ticket_open,
    ticket_transition,
)

__all__ = [
    "CATEGORY_AREAS",
    "DEALER_TRANSITIONS",
    "PRIORITY_ORDER",
    "SYSTEM",
    "TRANSITIONS",
    "WARNING_PERCENT",
    "SlaContext",
    "SweepOutcome",
    "channel_conflicts_open_for_sale_lines",
    "effective_priority",
    "policy_snapshot",
    "subject_parse",
    "subject_resolve",
    "ticket_area",
    "ticket_assign",
    "ticket_attach",
    "ticket_change_priority",
    "ticket_comment",
    "ticket_counterparty_resolve",
    "ticket_escalate_due",
    "ticket_open",
    "ticket_open_dispute",
    "ticket_recompute_sla",
    "ticket_transition",
    "ticket_url",
]
