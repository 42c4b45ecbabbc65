"""Who changed what: the acting party of every write, from web, API, Celery or a command.

History rows are kept by django-simple-history. Each history row also stores
``history_actor``, a label such as ``user:alice``, ``api-key:AbCd1234`` or
``task:commissions.tasks.refresh_statements``, taken from the innermost :func:`acting_as`
block (set by the request middleware, the API-key authentication, the Celery task base
class and management commands). Services may also open their own block.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


@dataclass(frozen=True)
class AuditActor:
    label: str
    user: Any = None  # a User, when a person is behind the change


_current: contextvars.ContextVar[AuditActor | None] = contextvars.ContextVar(
    "portal_audit_actor", default=None
)


def label_for_user(user) -> str:
    return f"user:{user.get_username()}"


@contextmanager
def acting_as(label: str, *, user=None):
    """Attribute every write inside the block to ``label`` (and ``user`` if given)."""
    token = _current.set(AuditActor(label=label, user=user))
    try:
        yield
    finally:
        _current.reset(token)


def set_actor(label: str, *, user=None) -> contextvars.Token:
    """Non-block form for the request cycle; undo with :func:`reset_actor`."""
    return _current.set(AuditActor(label=label, user=user))


def reset_actor(token: contextvars.Token) -> None:
    _current.reset(token)


def current_actor() -> AuditActor | None:
    return _current.get()


def get_history_user(instance=None, request=None, **kwargs):
    actor = _current.get()
    if actor is not None and actor.user is not None:
        return actor.user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


class AuditedHistoricalModel(models.Model):
    """Base of every historical model: adds the acting party's label."""

    history_actor = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        abstract = True


def audited_history(**kwargs) -> HistoricalRecords:
    """The ``history = audited_history()`` field every master-data and money model declares."""
    kwargs.setdefault("bases", [AuditedHistoricalModel])
    kwargs.setdefault("get_user", get_history_user)
    return HistoricalRecords(**kwargs)


def _actor_label() -> str:
    actor = _current.get()
    if actor is not None:
        return actor.label[:200]
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return label_for_user(user)[:200]
    return "system"


def history_attrs() -> dict:
    """Keyword arguments for simple_history's ``bulk_create_with_history`` and
    ``bulk_update_with_history``: the same user and actor label as a ``save()`` records
    (bulk history rows get no ``pre_create_historical_record`` signal)."""
    return {
        "default_user": get_history_user(),
        "custom_historical_attrs": {"history_actor": _actor_label()},
    }


@receiver(pre_create_historical_record)
def _stamp_actor(sender, instance, history_instance, **kwargs):
    if hasattr(history_instance, "history_actor"):
        history_instance.history_actor = _actor_label()
