from celery import shared_task

from collaboration import services


@shared_task
def action_item_reminders(days_before: int = 3) -> int:
    """Daily: remind owners of action items due soon (``services.action_items_remind``)."""
    return services.action_items_remind(days_before=days_before)
