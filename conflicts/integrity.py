"""Integrity checks of conflict tickets, run by ``manage.py check_integrity``."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max
from django.db.models.functions import Coalesce

from conflicts.models import Escalation, Ticket


def escalations_once() -> list[str]:
    """Each escalation level happens at most once per ticket, and a ticket's level is the
    highest escalation it went through (DOMAIN.md §7.4)."""
    twice = (
        Escalation.objects.values("ticket", "level")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("ticket", "level", "n")
    )
    problems = [f"ticket {t} escalated to level {lv} {n} times" for t, lv, n in twice]
    mismatched = (
        Ticket.objects.annotate(top=Coalesce(Max("escalations__level"), 0))
        .exclude(escalation_level=F("top"))
        .values_list("pk", "escalation_level", "top")
    )
    problems += [
        f"ticket {pk} is at escalation level {level} but its escalations reach {top}"
        for pk, level, top in mismatched
    ]
    return problems


def ticket_subjects_exist() -> list[str]:
    """A ticket about something (a sale line, a statement component...) points at a row that
    exists: no orphans left by a generic relation, which the database cannot enforce."""
    problems = []
    with_subject = Ticket.objects.filter(subject_type__isnull=False, subject_id__isnull=False)
    for type_id in with_subject.values_list("subject_type", flat=True).distinct().order_by():
        model = ContentType.objects.get_for_id(type_id).model_class()
        tickets = with_subject.filter(subject_type_id=type_id)
        if model is None:
            problems += [
                f"ticket {pk} refers to a removed model"
                for pk in tickets.values_list("pk", flat=True)
            ]
            continue
        orphans = tickets.exclude(subject_id__in=model._base_manager.values("pk"))
        problems += [
            f"ticket {pk} refers to {model._meta.label} {sid}, which does not exist"
            for pk, sid in orphans.values_list("pk", "subject_id")
        ]
    return problems


CHECKS = [escalations_once, ticket_subjects_exist]
