"""How the kernel finds what the apps provide without importing them by name: each app's
module of a conventional name (``roles``, ``schedule``, ``demo``, ``api.urls``). Safe to use
from the settings module (it needs neither settings nor the app registry)."""

from importlib import import_module
from types import ModuleType


def app_modules(apps, name: str) -> list[ModuleType]:
    """``<app>.<name>`` of each app in ``apps`` that has one, imported, in the given order
    (settings.PROJECT_APPS: bottom layer first). An error inside such a module propagates."""
    found = []
    for app in apps:
        path = f"{app}.{name}"
        try:
            found.append(import_module(path))
        except ModuleNotFoundError as exc:
            # only "this app has no such module" is skipped, not a broken import inside it
            if not path.startswith(f"{exc.name}.") and exc.name != path:
                raise
    return found
