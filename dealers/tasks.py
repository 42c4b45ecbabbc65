"""Thin Celery tasks of the dealers app."""

from celery import shared_task
from django.utils import timezone

from dealers import jobs


@shared_task
def end_dealer_transitions() -> list[str]:
    return jobs.end_dealer_transitions(today=timezone.localdate())
