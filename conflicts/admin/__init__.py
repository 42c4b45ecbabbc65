"""Staff UI: ticket queues by group and escalation level, SLA-state filters, bulk
assignment, answering from the ticket page; policy and calendar editing. Every write goes
through ``conflicts.services``.

Importing this package registers the model admins of ``policies`` (calendars, SLA
policies) and ``tickets`` (tickets, escalations, channel conflicts)."""

from conflicts.admin import policies, tickets  # noqa: F401  (registers the model admins)
