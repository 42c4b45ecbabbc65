"""Whole-database integrity checks: each app lists its own in ``<app>/integrity.py:CHECKS``
(functions returning a list of violations, one readable line each), found through
settings.PROJECT_APPS like its schedule and roles. ``manage.py check_integrity`` runs them
all; CI runs it after the suite (tests/portal/test_integrity.py)."""

from django.conf import settings

from portal.discovery import app_modules


def integrity_violations() -> dict[str, list[str]]:
    """``{"app.check": [violation, ...]}`` for every check (empty lists when all is well)."""
    report = {}
    for module in app_modules(settings.PROJECT_APPS, "integrity"):
        for check in module.CHECKS:
            report[f"{module.__name__.split('.')[0]}.{check.__name__}"] = check()
    return report
