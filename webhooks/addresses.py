"""Where a webhook may go (DOMAIN.md §15): https in production, and never to a private,
loopback, link-local or otherwise non-public address there (an SSRF guard). The address is
checked when the URL is saved and again when each delivery resolves it; the request then
connects to that checked address (no second lookup that DNS could answer differently).

Settings: ``WEBHOOK_REQUIRE_HTTPS`` (production: always) and
``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` (development and tests only: loopback receivers)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class BlockedAddress(Exception):
    """The URL's host resolves to an address webhooks may not reach, or does not resolve."""


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def address_resolve(host: str, port: int) -> str:
    """The address to connect to for ``host``: every address it resolves to must be
    public unless private addresses are allowed (development, tests). Raises
    :class:`BlockedAddress`."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise BlockedAddress(f"cannot resolve {host}: {exc}") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise BlockedAddress(f"cannot resolve {host}")
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        blocked = [a for a in addresses if not address_is_public(a)]
        if blocked:
            raise BlockedAddress(f"{host} resolves to a non-public address ({blocked[0]})")
    return addresses[0]


def _url_error(message: str, code: str) -> ValidationError:
    return ValidationError({"url": ValidationError(message, code=code)})


def url_check(url: str) -> None:
    """Raise ``ValidationError`` (field ``url``) for a URL webhooks may not use."""
    try:
        parts = urlsplit(url or "")
        port = parts.port
    except ValueError:
        raise _url_error(_("Enter a valid URL."), "invalid") from None
    schemes = ("https",) if settings.WEBHOOK_REQUIRE_HTTPS else ("https", "http")
    if parts.scheme not in schemes:
        raise _url_error(_("The URL must start with https://."), "https_required")
    if not parts.hostname:
        raise _url_error(_("Enter a valid URL."), "invalid")
    if parts.username or parts.password:
        raise _url_error(_("Credentials in the URL are not allowed."), "credentials")
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return
    try:
        address_resolve(parts.hostname, port or 443)
    except BlockedAddress:
        raise _url_error(
            _("The URL's host must resolve to public internet addresses only."),
            "address_not_allowed",
        ) from None
