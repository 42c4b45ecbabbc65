"""Thin Celery tasks of the dealers app."""

from celery import shared_task

from dealers import jobs
from portal.clock import manufacturer_today


@shared_task
def end_dealer_transitions() -> list[str]:
    return jobs.end_dealer_transitions(today=manufacturer_today())
