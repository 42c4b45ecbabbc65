"""What the conflicts app does when apps below it record events (``portal.events``);
registered in :meth:`conflicts.apps.ConflictsConfig.ready`. Each handler runs in a
transaction that also records the event as handled, so its work is done once per event."""

from conflicts.services import channel_conflicts_open_for_sale_lines, deal_conflict_tickets_open


def open_channel_conflicts(event) -> None:
    """``sales.recorded``: open the channel-conflict tickets of the batch's lines shipped into
    another dealer's exclusive territory (DOMAIN.md §2). Idempotent by itself as well: a
    (line, territory) pair opens one ticket."""
    channel_conflicts_open_for_sale_lines(sale_line_ids=list(event.payload["sale_line_ids"]))


def open_deal_conflicts(event) -> None:
    """``deal.status_changed`` to ``conflict``: open the channel tickets of the registration's
    conflicts (DOMAIN.md §12), once per pair. The payload names the registration only; the
    pairs are read from ``deals`` (no customer data travels in an event)."""
    if event.payload.get("status") == "conflict":
        deal_conflict_tickets_open(registration_id=int(event.payload["registration"]))
