from celery import shared_task

from collaboration.jobs import action_item_reminders_run


@shared_task
def action_item_reminders(days_before: int = 3) -> int:
    """Daily: remind owners of action items due soon, recorded as a job run (twin:
    ``manage.py send_action_item_reminders``)."""
    return action_item_reminders_run(days_before=days_before)
