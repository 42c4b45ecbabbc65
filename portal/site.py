"""The address the site is served on, for links in e-mails (invitations, notifications).

Inside a request it is the request's own scheme and host (validated against
``ALLOWED_HOSTS`` by Django), so a demo on another port or a server behind a proxy sends
links that work; outside a request (Celery, commands) it is ``settings.SITE_URL``."""

from __future__ import annotations

import contextvars

from django.conf import settings

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("site_url", default=None)


def site_url() -> str:
    """``scheme://host[:port]`` without a trailing slash."""
    return (_current.get() or settings.SITE_URL).rstrip("/")


def absolute(link: str) -> str:
    """``link`` made absolute when it is a path."""
    return f"{site_url()}{link}" if link.startswith("/") else link


class SiteUrlMiddleware:
    """Remember the request's base address for the links built while handling it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            base = f"{request.scheme}://{request.get_host()}"
        except Exception:  # DisallowedHost: Django answers 400 later; keep the setting
            base = None
        token = _current.set(base)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
